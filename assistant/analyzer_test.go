package assistant

import (
	"bufio"
	"os"
	"slices"
	"strings"
	"testing"
)

func TestSnowballItalianMatchesOfficialVocabulary(t *testing.T) {
	f, err := os.Open("testdata/snowball-it-sample.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		word, want, _ := strings.Cut(line, " ")
		if got := (SnowballItalian{}).Stem(word); got != want {
			t.Errorf("Stem(%q): got %q, want %q", word, got, want)
		}
		n++
	}
	if n < 50 {
		t.Fatalf("only %d vocabulary pairs read", n)
	}
}

func TestAnalyzerMakesVariantsMeet(t *testing.T) {
	a := NewAnalyzer(SnowballItalian{})
	tests := []struct {
		name string
		a, b string
	}{
		{"accent", "identità", "identita"},
		{"apostrophe for accent", "identita'", "identità"},
		{"typographic apostrophe elision", "carta d’identità", "carta d'identita"},
		{"elision", "dell'asilo", "asilo"},
		{"elision quest'", "quest'anno", "anno"},
		{"elision all'", "all'anagrafe", "anagrafe"},
		{"plural", "passi carrabili", "passo carrabile"},
		{"case", "TARI", "tari"},
		{"decomposed accent (NFC)", "citta\u0300", "città"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, want := strings.Join(a.Stems(tt.a), " "), strings.Join(a.Stems(tt.b), " ")
			if got != want || got == "" {
				t.Errorf("%q → %q, %q → %q: want equal, non-empty", tt.a, got, tt.b, want)
			}
		})
	}
}

func TestAnalyzerDropsStopWordsAndNoise(t *testing.T) {
	a := NewAnalyzer(SnowballItalian{})
	tests := []struct {
		in   string
		want string
	}{
		{"perché è lui?", ""},
		{"Perche' il nido?", "nid"},
		{"😀 !!! ???", ""},
		{"", ""},
		{"<script>alert(1)</script>", "script alert 1 script"},
		{"'; DROP TABLE schede; --", "drop tabl sched"},
		{strings.Repeat("a", 100), ""},
	}
	for _, tt := range tests {
		if got := strings.Join(a.Stems(tt.in), " "); got != tt.want {
			t.Errorf("Stems(%q): got %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestAnalyzerIsBleveAnalyzer(t *testing.T) {
	a := NewAnalyzer(SnowballItalian{})
	ts := a.Analyze([]byte("L'iscrizione al nido"))
	var got []string
	for _, tok := range ts {
		got = append(got, string(tok.Term))
	}
	if strings.Join(got, " ") != "iscrizion nid" {
		t.Errorf("tokens: got %v", got)
	}
	if ts[0].Position >= ts[1].Position {
		t.Errorf("positions not increasing: %d, %d", ts[0].Position, ts[1].Position)
	}
}

func FuzzAnalyzer(f *testing.F) {
	for _, s := range []string{"", "Perché l'asilo?", "carta d’identità", "\xff\xfe", "😀", "l'''''", "'", "a'b'c'd", strings.Repeat("è", 50)} {
		f.Add(s)
	}
	a := NewAnalyzer(SnowballItalian{})
	f.Fuzz(func(t *testing.T, s string) {
		for _, w := range a.Words(s) {
			if w.Surface == "" {
				t.Fatalf("empty word from %q", s)
			}
			if strings.ContainsAny(w.Surface, "'’") {
				t.Fatalf("apostrophe left in %q from %q", w.Surface, s)
			}
		}
		_ = a.Analyze([]byte(s))
	})
}

func TestUnrelatedWordsKeepStemsApart(t *testing.T) {
	a := NewAnalyzer(SnowballItalian{})
	for _, pair := range [][2]string{{"lampade votive", "si vota domenica"}, {"la pasta al pomodoro", "il pasto a scuola"}, {"la compagnia telefonica", "il mio compagno"}, {"un ristorante in piazza", "la ristorazione scolastica"}} {
		got, other := a.Stems(pair[0]), a.Stems(pair[1])
		for _, s := range got {
			if slices.Contains(other, s) && s != "domen" {
				t.Errorf("%q and %q share the stem %q", pair[0], pair[1], s)
			}
		}
	}
	// The words themselves still meet their own forms.
	if got, want := a.Stems("luce votiva"), a.Stems("luci votive"); !slices.Equal(got[1:], want[1:]) {
		t.Errorf("votiva %v, votive %v: want the same stem", got, want)
	}
}
