package schede

import (
	"strings"
	"testing"
	"time"
)

func testParser() *Parser {
	p := NewParser()
	p.Now = func() time.Time { return time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC) }
	return p
}

const goodCard = `---
id: iscrizione-asilo-nido
titolo: Iscrizione all'asilo nido
categoria: Scuola e infanzia
ufficio: Servizi educativi
sinonimi: [nido, micronido]
domande:
  - Come iscrivo mio figlio al nido?
link: https://www.comune.example.it/servizi/nido
aggiornata: 2026-01-15
stato: pubblicata
---

# Iscrizione all'asilo nido

Il Comune accoglie i bambini da **3 a 36 mesi**.

## A chi è rivolto

Alle famiglie residenti.

## Come fare

1. Compila la domanda [online](https://servizi.comune.example.it/nido).
2. Allega l'ISEE.

## Quanto costa

| ISEE | retta |
|---|---|
| fino a 10.000 € | 100 € |
`

func TestParseGoodCard(t *testing.T) {
	c, problems := testParser().Parse("scuola/nido.md", []byte(goodCard))
	if len(problems) != 0 {
		t.Fatalf("problems: %v", problems)
	}
	if c == nil {
		t.Fatal("no card")
	}
	checks := []struct{ name, got, want string }{
		{"id", c.ID, "iscrizione-asilo-nido"},
		{"title", c.Title, "Iscrizione all'asilo nido"},
		{"description defaults to summary", c.Description, "Il Comune accoglie i bambini da 3 a 36 mesi."},
		{"summary html", c.SummaryHTML, "<p>Il Comune accoglie i bambini da <strong>3 a 36 mesi</strong>.</p>"},
		{"first heading", c.Sections[0].Heading, "A chi è rivolto"},
		{"first slug", c.Sections[0].Slug, "a-chi-e-rivolto"},
		{"status", string(c.Status), "pubblicata"},
		{"synonyms", strings.Join(c.Synonyms, ","), "nido,micronido"},
		{"updated", c.Updated.Format("2006-01-02"), "2026-01-15"},
	}
	for _, ck := range checks {
		if ck.got != ck.want {
			t.Errorf("%s: got %q, want %q", ck.name, ck.got, ck.want)
		}
	}
	if got, want := len(c.Sections), 3; got != want {
		t.Fatalf("sections: got %d, want %d", got, want)
	}
	if got := c.Sections[1].Line; got != 22 {
		t.Errorf("line of 'Come fare': got %d, want 22", got)
	}
	if !strings.Contains(c.Sections[2].HTML, "<table>") {
		t.Errorf("table not rendered: %s", c.Sections[2].HTML)
	}
	if !strings.Contains(c.Sections[2].Text, "fino a 10.000 €") {
		t.Errorf("table text missing: %q", c.Sections[2].Text)
	}
	if !strings.Contains(c.Sections[1].HTML, `target="_blank"`) || !strings.Contains(c.Sections[1].HTML, `rel="noopener noreferrer"`) {
		t.Errorf("web link not opened safely: %s", c.Sections[1].HTML)
	}
}

func TestParseDefaultsIDFromFileName(t *testing.T) {
	src := "---\ntitolo: Passo carrabile\n---\nSintesi.\n\n## Come fare\n\nDomanda.\n"
	c, problems := testParser().Parse("mobilita/passo-carrabile.md", []byte(src))
	if c == nil || HasErrors(problems) {
		t.Fatalf("problems: %v", problems)
	}
	if got, want := c.ID, "passo-carrabile"; got != want {
		t.Errorf("id: got %q, want %q", got, want)
	}
}

func TestParseRejectsWithFileAndLine(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string // substrings of Problem.String(), in order
	}{
		{"missing titolo", "---\nid: a\n---\ntesto\n", []string{"x.md: errore: manca il titolo"}},
		{"bad id", "---\nid: Asilo Nido\ntitolo: T\n---\ntesto\n", []string{`x.md:2: errore: id "Asilo Nido" non valido`}},
		{"malformed yaml", "---\ntitolo: T\nsinonimi: [a, b\n---\ntesto\n", []string{"x.md:", "il front matter non è YAML valido"}},
		{"bad date", "---\ntitolo: T\naggiornata: 15/01/2026\n---\ntesto\n", []string{`x.md:3: errore: data "15/01/2026" non valida`}},
		{"impossible date", "---\ntitolo: T\naggiornata: 2026-02-30\n---\ntesto\n", []string{`x.md:3: errore: data "2026-02-30" non valida`}},
		{"bad url", "---\ntitolo: T\nlink: www.comune.it/pagina\n---\ntesto\n", []string{`x.md:3: errore: link "www.comune.it/pagina" non valido`}},
		{"javascript url", "---\ntitolo: T\nlink: javascript:alert(1)\n---\ntesto\n", []string{`x.md:3: errore: link`}},
		{"bad stato", "---\ntitolo: T\nstato: archiviata\n---\ntesto\n", []string{`x.md:3: errore: stato "archiviata" non valido`}},
		{"sinonimi not a list", "---\ntitolo: T\nsinonimi: nido\n---\ntesto\n", []string{"x.md:3: errore: la chiave sinonimi deve essere un elenco"}},
		{"empty section", "---\ntitolo: T\n---\ntesto\n\n## Come fare\n\n## Contatti\n\nURP\n", []string{`x.md:6: errore: la sezione "Come fare" è vuota`}},
		{"no front matter", "# Titolo\n\ntesto\n", []string{"x.md:1: errore: il file deve iniziare con il front matter"}},
		{"unclosed front matter", "---\ntitolo: T\n\ntesto\n", []string{"x.md:1: errore: il front matter aperto alla riga 1 non è chiuso"}},
		{"empty file", "  \n", []string{"x.md: errore: il file è vuoto"}},
		{"not utf-8", "---\ntitolo: caff\xe8\n---\ntesto\n", []string{"x.md:2: errore: il file non è in UTF-8"}},
		{"several errors at once", "---\nid: B@d\ntitolo: T\nlink: ftp://x\naggiornata: ieri\n---\ntesto\n", []string{"x.md:2: errore: id", "x.md:4: errore: link", "x.md:5: errore: data"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, problems := testParser().Parse("x.md", []byte(tt.src))
			if c != nil {
				t.Errorf("got a card from a broken file")
			}
			var all []string
			for _, p := range problems {
				all = append(all, p.String())
			}
			got := strings.Join(all, "\n")
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("problems %q do not contain %q", got, w)
				}
			}
		})
	}
}

func TestParseWarnings(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want string
	}{
		{"unknown key with hint", "---\ntitolo: T\ntitlo: X\n---\ntesto\n\n## A\n\nb\n", `x.md:3: avviso: chiave sconosciuta "titlo" ignorata: forse intendevi "titolo"?`},
		{"unknown key", "---\ntitolo: T\nautore: Mario\n---\ntesto\n\n## A\n\nb\n", `x.md:3: avviso: chiave sconosciuta "autore" ignorata`},
		{"stale card", "---\ntitolo: T\naggiornata: 2025-06-01\n---\ntesto\n\n## A\n\nb\n", "x.md:3: avviso: la scheda non è stata rivista da più di un anno"},
		{"no sections", "---\ntitolo: T\n---\ntesto\n", "non ha sezioni"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, problems := testParser().Parse("x.md", []byte(tt.src))
			if c == nil {
				t.Fatalf("warnings must not reject the card: %v", problems)
			}
			found := false
			for _, p := range problems {
				found = found || (p.Severity == Warning && strings.Contains(p.String(), tt.want))
			}
			if !found {
				t.Errorf("problems %v do not contain warning %q", problems, tt.want)
			}
		})
	}
}

func TestRenderIsSafe(t *testing.T) {
	src := "---\ntitolo: T\n---\ntesto\n\n## Come fare\n\n<script>alert(1)</script>\n\nVai <b onclick=x>qui</b> e [clicca](javascript:alert(1)) o [qui](//evil.example/x).\n\n![foto](https://evil.example/pixel.png)\n\nScrivi a urp@comune.example.it o visita https://www.comune.example.it.\n"
	c, problems := testParser().Parse("x.md", []byte(src))
	if c == nil {
		t.Fatalf("problems: %v", problems)
	}
	html := c.Sections[0].HTML
	for _, bad := range []string{"<script", "onclick", "javascript:", "//evil.example", "<img"} {
		if strings.Contains(html, bad) {
			t.Errorf("rendered HTML contains %q: %s", bad, html)
		}
	}
	for _, good := range []string{`href="mailto:urp@comune.example.it"`, `href="https://www.comune.example.it"`, "clicca", "foto"} {
		if !strings.Contains(html, good) {
			t.Errorf("rendered HTML lacks %q: %s", good, html)
		}
	}
}
