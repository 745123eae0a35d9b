// Package backstop holds the domain of Backstop: the things a monitoring
// mission, a negotiator and a court of public opinion talk about — reports
// from sources, verified incidents, the kinds of hostile act an agreement can
// name, the grades a source and its information carry, and the application's
// error type.
//
// The agreement document itself lives in package agreement; geometry in geo;
// negotiation in negotiate; monitoring in monitor. This package imports none
// of them and no adapter (database, HTTP, broker): they import it.
package backstop
