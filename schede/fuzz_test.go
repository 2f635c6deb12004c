package schede

import (
	"strings"
	"testing"
)

func FuzzParse(f *testing.F) {
	seeds := []string{
		goodCard,
		"",
		"---\n---\n",
		"---\ntitolo: T\n---\n## \n\n",
		"---\ntitolo: [\n---\n",
		"---\ntitolo: T\nsinonimi: [a, [b]]\ndomande: {a: b}\n---\n# T\n## A\n<div>x</div>\n",
		"---\ntitolo: T\n---\n[x](javascript:alert(1)) <https://a.example> www.b.example\n\n## S\n\n| a |\n|---|\n| b |\n",
		"\ufeff---\ntitolo: T\n---\ntesto",
		"---\ntitolo: \xff\n---\n",
		"---\n" + strings.Repeat("a: b\n", 50) + "---\n",
	}
	for _, s := range seeds {
		f.Add(s)
	}
	p := testParser()
	f.Fuzz(func(t *testing.T, src string) {
		c, problems := p.Parse("f.md", []byte(src))
		if c == nil && !HasErrors(problems) {
			t.Fatalf("no card and no error for %q", src)
		}
		if c != nil {
			if HasErrors(problems) {
				t.Fatalf("a card despite errors %v", problems)
			}
			if c.Title == "" || !idPattern.MatchString(c.ID) {
				t.Fatalf("invalid card accepted: %+v", c)
			}
			for _, s := range c.Sections {
				if strings.Contains(s.HTML, "<script") || strings.Contains(strings.ToLower(s.HTML), "javascript:") {
					t.Fatalf("unsafe HTML %q", s.HTML)
				}
			}
		}
		for _, pr := range problems {
			if pr.Message == "" {
				t.Fatalf("problem without message")
			}
		}
	})
}
