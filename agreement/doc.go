// Package agreement reads, checks and compiles agreement documents: the one
// text a policy analyst can read and a machine can execute, saying who
// guarantees what to whom, what the open terms of the deal are, which zones
// the provisions speak of, what counts as a verified incident, what triggers
// a consultation or the guarantee itself, and what each guarantor then owes
// by when.
//
// The API is staged like cel-go's: Load parses a document and reports every
// problem at once, each with file, line and column; the returned Doc holds
// compiled CEL programs ready to evaluate many times. Deals (assignments of
// every term) are read with LoadDeal and checked against the document's
// terms. Zones are built on demand with Doc.Zones, because a zone may depend
// on a term (a demilitarised zone N km wide).
//
// The format reference is docs/format.md.
package agreement
