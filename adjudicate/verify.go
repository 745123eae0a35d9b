package adjudicate

import (
	"fmt"
	"strings"

	"github.com/backstop-dev/backstop"
	"github.com/backstop-dev/backstop/agreement"
)

// verifier applies one verification rule (or none).
type verifier struct {
	rule    *agreement.VerificationRule
	minRel  backstop.Reliability
	minCred backstop.Credibility // 0: any
}

func newVerifier(r *agreement.VerificationRule) *verifier {
	v := &verifier{rule: r, minRel: 'F'}
	if r == nil {
		return v
	}
	if rel, err := backstop.ParseReliability(r.MinReliability); err == nil {
		v.minRel = rel
	}
	v.minCred = backstop.Credibility(r.MinCredibility)
	return v
}

func (v *verifier) id() string {
	if v.rule == nil {
		return ""
	}
	return v.rule.ID
}

func (v *verifier) text() string {
	if v.rule == nil {
		return ""
	}
	return v.rule.Text
}

// check reports whether the incident meets the rule and, when it does not,
// says why.
func (v *verifier) check(inc *backstop.Incident) (bool, string) {
	r := v.rule
	if r == nil {
		return true, ""
	}
	var fails []string
	if !inc.Grade.Reliability.AtLeast(v.minRel) {
		fails = append(fails, fmt.Sprintf("source reliability %s is below the required %s", inc.Grade.Reliability, v.minRel))
	}
	if v.minCred > 0 && !inc.Grade.Credibility.AtLeast(v.minCred) {
		fails = append(fails, fmt.Sprintf("credibility %d is below the required %d", credNorm(inc.Grade.Credibility), v.minCred))
	}
	if inc.IndependentSources < r.MinSources {
		fails = append(fails, fmt.Sprintf("%s, fewer than the required %d", sourcesText(inc.IndependentSources), r.MinSources))
	}
	if r.OpposingSides && !inc.OpposingSides {
		fails = append(fails, "no sources from opposing sides agree, as the rule requires")
	}
	if len(fails) == 0 {
		return true, ""
	}
	return false, fmt.Sprintf("Incident %s (%s, grade %s, %s) is not verified under rule %s: %s.",
		inc.ID, inc.Kind, inc.Grade, sourcesText(inc.IndependentSources), r.ID, strings.Join(fails, "; "))
}

// verified describes, for an explanation, how a verified incident met its
// rule.
func (v *verifier) verified(inc *backstop.Incident) string {
	if v.rule == nil {
		return fmt.Sprintf("no verification rule covers %s, so it is taken as verified", inc.Kind)
	}
	s := fmt.Sprintf("verified under rule %s (grade %s, %s", v.rule.ID, inc.Grade, sourcesText(inc.IndependentSources))
	if inc.OpposingSides {
		s += ", confirmed from opposing sides"
	}
	need := []string{"reliability " + v.minRel.String() + " or better"}
	if v.minCred > 0 {
		need = append(need, fmt.Sprintf("credibility %d or better", v.minCred))
	}
	if v.rule.MinSources > 0 {
		need = append(need, sourcesText(v.rule.MinSources))
	}
	if v.rule.OpposingSides {
		need = append(need, "opposing sides")
	}
	return s + "; it requires " + strings.Join(need, ", ") + ")"
}

func sourcesText(n int) string {
	if n == 1 {
		return "1 independent source"
	}
	return fmt.Sprintf("%d independent sources", n)
}
