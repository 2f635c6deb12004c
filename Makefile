# Sportello: the two commands a newcomer needs are `make run` and `make check`.
GO ?= go
export PATH := $(PATH):/usr/local/go/bin

.PHONY: run build check deps test vet fuzz bench eval screenshots

## run: start Sportello on the embedded demo comune
run:
	$(GO) run ./cmd/sportello serve

## build: the single binary in ./sportello
build:
	$(GO) build -o sportello ./cmd/sportello

## check: everything CI runs: install what is missing, vet, all tests with the race detector
check: deps vet test

AXE := .cache/axe/node_modules/axe-core/axe.min.js

# deps installs what the tests need and a fresh machine may lack: Go
# modules, Debian's Chromium for the browser tests and nginx for the test
# of the reverse-proxy configuration (installed without starting it),
# axe-core from npm.
deps: $(AXE)
	@$(GO) mod download
	@command -v chromium >/dev/null || { echo "installing chromium"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null || \
		{ echo "could not install chromium: run 'apt-get install chromium' as root"; exit 1; }; }
	@command -v nginx >/dev/null || test -x /usr/sbin/nginx || { echo "installing nginx"; \
		(apt-get update -qq && RUNLEVEL=1 DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx) >/dev/null || \
		{ echo "could not install nginx: run 'apt-get install nginx' as root"; exit 1; }; }

$(AXE):
	@mkdir -p .cache/axe
	npm install --silent --no-audit --no-fund --prefix .cache/axe axe-core@4.14.1

vet:
	@test -z "$$(gofmt -l .)" || (echo "gofmt: these files need formatting:"; gofmt -l .; exit 1)
	$(GO) vet ./...

test:
	$(GO) test -race -count=1 ./...

## fuzz: run each fuzz target for a while (seed corpora run in `make test`)
fuzz:
	$(GO) test ./schede -run '^$$' -fuzz FuzzParse -fuzztime 60s
	$(GO) test ./assistant -run '^$$' -fuzz FuzzAnalyzer -fuzztime 60s
	$(GO) test ./schede -run '^$$' -fuzz FuzzDecompose -fuzztime 60s
	$(GO) test ./handoff -run '^$$' -fuzz FuzzMask -fuzztime 60s
	$(GO) test ./assistant -run '^$$' -fuzz FuzzAsk -fuzztime 60s

## bench: speed and memory of the assistant
bench:
	$(GO) test ./assistant -run '^$$' -bench . -benchmem -benchtime 2s

## eval: quality on the demo comune's question set
eval:
	$(GO) run ./cmd/sportello eval

## screenshots: refresh the README's screenshots of the widget and the console under docs/
screenshots: deps
	mkdir -p docs
	SPORTELLO_SCREENSHOTS=docs $(GO) test ./cmd/sportello -run 'TestWidgetInChromium|TestOperatorConsoleInChromium|TestWrittenRequestEndToEnd|TestRedazioneEndToEnd' -count=1
