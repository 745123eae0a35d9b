# Everyday targets. The README's test command is plain `go test ./...`.
.PHONY: test ci bench bench-negotiate example

example:
	go run ./cmd/backstop example

test:
	go test ./...

ci:
	bash .ci/run

# bench: every hot path once more against its simple baseline, measured in
# the same run, then the ratios. BENCHTIME=1s for steadier figures.
BENCHTIME ?= 200ms
bench:
	@mkdir -p .bench
	go test -run='^$$' -bench=. -benchmem -benchtime=$(BENCHTIME) ./geo/ ./adjudicate/ ./monitor/ ./lint/ ./territory/ ./ingest/ | tee .bench/bench.txt | go run ./internal/benchratio
	$(MAKE) bench-negotiate

# bench-negotiate: fast frontier vs enumeration, SAOP steps, and our times
# against the reference tool's own (../shared/data/negotiation/reference).
bench-negotiate:
	go test -run='^$$' -bench=. -benchtime=3x ./negotiate/...
	go run ./negotiate/internal/benchreport
