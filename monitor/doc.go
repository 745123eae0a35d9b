// Package monitor turns a stream of reports into adjudicated decisions: it
// fuses reports into incidents (Fuse, Fuser), grades them in the Admiralty
// style from the sources behind them, adds territorial-change incidents from
// daily occupation snapshots, and feeds everything, in time order, to the
// evaluator of an agreement (Monitor), optionally beside a shadow version of
// the agreement whose decisions are recorded but never take effect.
//
// Everything here is deterministic: the same reports, in any order, give the
// same incidents with the same ids and the same decisions. That is what lets
// a replay be pinned by a golden file and what lets any party re-run the
// monitor over the transparency log and get the operator's answer.
package monitor
