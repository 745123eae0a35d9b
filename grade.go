package backstop

import "fmt"

// Reliability is a source's reliability in the NATO Admiralty system, from
// A (completely reliable) to F (reliability cannot be judged). Lower letters
// are better; the zero value is F.
type Reliability byte

// Credibility is an item of information's credibility in the Admiralty
// system, from 1 (confirmed by other sources) to 6 (truth cannot be judged).
// Lower numbers are better; the zero value is treated as 6.
type Credibility int

// ParseReliability parses "A".."F".
func ParseReliability(s string) (Reliability, error) {
	if len(s) == 1 && s[0] >= 'A' && s[0] <= 'F' {
		return Reliability(s[0]), nil
	}
	return 0, Errorf(EINVALID, "reliability %q: want one letter A to F", s)
}

// String returns the letter.
func (r Reliability) String() string {
	if r < 'A' || r > 'F' {
		return "F"
	}
	return string(rune(r))
}

// AtLeast reports whether r is as good as min or better (A beats B).
func (r Reliability) AtLeast(min Reliability) bool {
	return r.norm() <= min.norm()
}

func (r Reliability) norm() byte {
	if r < 'A' || r > 'F' {
		return 'F'
	}
	return byte(r)
}

// ParseCredibility parses "1".."6".
func ParseCredibility(s string) (Credibility, error) {
	if len(s) == 1 && s[0] >= '1' && s[0] <= '6' {
		return Credibility(s[0] - '0'), nil
	}
	return 0, Errorf(EINVALID, "credibility %q: want one digit 1 to 6", s)
}

// AtLeast reports whether c is as credible as min or more (1 beats 2).
func (c Credibility) AtLeast(min Credibility) bool { return c.norm() <= min.norm() }

func (c Credibility) norm() int {
	if c < 1 || c > 6 {
		return 6
	}
	return int(c)
}

// Grade is the Admiralty grade of a report or incident, e.g. "B2".
type Grade struct {
	Reliability Reliability
	Credibility Credibility
}

// String returns the grade as letter and digit, e.g. "B2".
func (g Grade) String() string {
	return fmt.Sprintf("%s%d", g.Reliability, g.Credibility.norm())
}

// ParseGrade parses a grade such as "B2".
func ParseGrade(s string) (Grade, error) {
	if len(s) != 2 {
		return Grade{}, Errorf(EINVALID, "grade %q: want a letter A-F and a digit 1-6, e.g. B2", s)
	}
	r, err := ParseReliability(s[:1])
	if err != nil {
		return Grade{}, err
	}
	c, err := ParseCredibility(s[1:])
	if err != nil {
		return Grade{}, err
	}
	return Grade{r, c}, nil
}
