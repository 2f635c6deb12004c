package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runCLI(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

func TestCheck(t *testing.T) {
	t.Run("demo comune is valid", func(t *testing.T) {
		code, out, _ := runCLI("check")
		if code != 0 || !strings.Contains(out, "0 errori") {
			t.Fatalf("exit %d: %s", code, out)
		}
	})
	t.Run("broken folder exits 1 listing every error with file:line", func(t *testing.T) {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "a.md"), []byte("---\nid: Bad Id\ntitolo: A\n---\ntesto\n"), 0o644)
		os.WriteFile(filepath.Join(dir, "b.md"), []byte("---\ndescrizione: x\n---\ntesto\n"), 0o644)
		code, out, _ := runCLI("check", dir)
		if code != 1 {
			t.Fatalf("exit %d, want 1", code)
		}
		for _, want := range []string{"a.md:2: errore: id", "b.md: errore: manca il titolo", "2 errori"} {
			if !strings.Contains(out, want) {
				t.Errorf("output lacks %q:\n%s", want, out)
			}
		}
	})
	t.Run("missing folder", func(t *testing.T) {
		code, _, errs := runCLI("check", "/nonexistent/schede")
		if code != 1 || !strings.Contains(errs, "non esiste") {
			t.Fatalf("exit %d: %s", code, errs)
		}
	})
}

func TestAsk(t *testing.T) {
	code, out, _ := runCLI("ask", "--json", "quanto costa la carta d'identità?")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	var ans struct {
		Decision   string
		Confidence float64
		Card       struct{ ID string }
		Section    struct{ Heading string }
	}
	if err := json.Unmarshal([]byte(out), &ans); err != nil {
		t.Fatalf("not JSON: %s", out)
	}
	if ans.Decision != "answer" || ans.Card.ID != "carta-identita-elettronica" || ans.Section.Heading == "" {
		t.Errorf("got %+v", ans)
	}
	code, out, _ = runCLI("ask", "come pago la tari")
	if code != 0 || !strings.Contains(out, "decisione:") || !strings.Contains(out, "scheda:") {
		t.Errorf("text output: %s", out)
	}
	if code, _, _ := runCLI("ask"); code != 2 {
		t.Errorf("ask without question: exit %d, want 2", code)
	}
}

func TestEvalJSONHasExactlyTheContractKeys(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "q.tsv")
	os.WriteFile(file, []byte("domanda\tattesa\n# commento\n\ncome pago la tari\ttari-pagamento|tari-riduzioni\nvoglio un operatore\t-\n"), 0o644)
	code, out, errs := runCLI("eval", "--domande", file, "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var rep map[string]json.RawMessage
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	want := []string{"total", "in_scope", "out_of_scope", "answered_right", "answered_wrong", "clarified_right", "clarified_wrong", "handoff_right", "handoff_missed", "top1", "top3", "mrr", "results"}
	if len(rep) != len(want) {
		t.Errorf("got %d keys, want %d: %s", len(rep), len(want), out)
	}
	for _, k := range want {
		if _, ok := rep[k]; !ok {
			t.Errorf("missing key %s", k)
		}
	}
	var results []map[string]json.RawMessage
	json.Unmarshal(rep["results"], &results)
	if len(results) != 2 {
		t.Fatalf("results: %d", len(results))
	}
	for _, k := range []string{"question", "expected", "outcome", "scheda", "options", "confidence"} {
		if _, ok := results[0][k]; !ok || len(results[0]) != 6 {
			t.Errorf("result keys %v, want exactly question, expected, outcome, scheda, options, confidence", results[0])
		}
	}
	if string(rep["total"]) != "2" || string(rep["handoff_right"]) != "1" {
		t.Errorf("counts: %s", out)
	}
}

func TestEvalRejectsBadQuestionFiles(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "q.tsv")
	os.WriteFile(file, []byte("solo una colonna\nuna\tDue Tre\nx\tscheda-che-non-esiste\n"), 0o644)
	code, _, errs := runCLI("eval", "--domande", file)
	if code != 1 || !strings.Contains(errs, "q.tsv:1:") || !strings.Contains(errs, "q.tsv:2:") {
		t.Fatalf("exit %d: %s", code, errs)
	}
}

func TestHours(t *testing.T) {
	tests := []struct {
		name, at string
		first    string
		want     string
	}{
		{"open on a weekday", "2026-11-24T10:00:00+01:00", "aperto", "chiude: martedì 24 novembre 2026 alle 20:00"},
		{"closed on saturday night", "2021-03-27T21:00:00+01:00", "chiuso", "riapre: lunedì 29 marzo 2021 alle 8:00 (+02:00)"},
		{"closed on a holiday", "2026-12-08T10:00:00+01:00", "chiuso", "festivo: Immacolata Concezione"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := runCLI("hours", "--at", tt.at)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errs)
			}
			if first, _, _ := strings.Cut(out, "\n"); first != tt.first {
				t.Errorf("first line %q, want %q", first, tt.first)
			}
			if !strings.Contains(out, tt.want) {
				t.Errorf("output lacks %q:\n%s", tt.want, out)
			}
		})
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "c.yaml")
	os.WriteFile(file, []byte("comune:\n  hours:\n    settimana:\n      lun: [\"08:00-13:00\"]\n    patrono: \"04-10\"\n"), 0o644)
	if code, out, _ := runCLI("hours", "--config", file, "--at", "2026-11-23T12:59:00+01:00"); code != 0 || !strings.HasPrefix(out, "aperto") {
		t.Errorf("configured calendar: exit %d %s", code, out)
	}
	if code, out, _ := runCLI("hours", "--config", file, "--at", "2026-11-24T10:00:00+01:00"); code != 0 || !strings.Contains(out, "riapre: lunedì 30 novembre 2026 alle 8:00") {
		t.Errorf("configured calendar, tuesday: exit %d %s", code, out)
	}
	os.WriteFile(file, []byte("comune:\n  hours:\n    settimana:\n      lunedi: [\"8-13\"]\n"), 0o644)
	if code, _, errs := runCLI("hours", "--config", file); code != 2 || !strings.Contains(errs, "lunedi") {
		t.Errorf("bad hours: exit %d %s", code, errs)
	}
	if code, _, _ := runCLI("hours", "--at", "ieri"); code != 2 {
		t.Errorf("bad --at: exit %d", code)
	}
}
