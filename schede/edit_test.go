package schede

import (
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/sportello/sportello"
)

const sample = `---
id: passo-carrabile
titolo: Passo carrabile
sinonimi: [passo carraio, accesso carrabile]
domande:
  - Come chiedo il passo carrabile?
aggiornata: 2026-01-15
colore: verde
---

Sintesi del passo carrabile.

## Come fare

Presenta la domanda allo sportello.
`

func TestComposeDecomposeRoundTrip(t *testing.T) {
	d, err := Decompose([]byte(sample))
	if err != nil {
		t.Fatal(err)
	}
	if d.ID != "passo-carrabile" || d.Updated != "2026-01-15" || len(d.Synonyms) != 2 || d.Extra["colore"] != "verde" || !strings.HasPrefix(d.Body, "Sintesi") {
		t.Fatalf("draft = %+v", d)
	}
	p := NewParser()
	before, _ := p.Parse("a.md", []byte(sample))
	after, problems := p.Parse("a.md", Compose(d))
	if HasErrors(problems) {
		t.Fatalf("composed file has errors: %v", problems)
	}
	if before.Title != after.Title || !reflect.DeepEqual(before.Synonyms, after.Synonyms) || !reflect.DeepEqual(before.Questions, after.Questions) ||
		!before.Updated.Equal(after.Updated) || len(before.Sections) != len(after.Sections) || before.Sections[0].HTML != after.Sections[0].HTML {
		t.Errorf("round trip changed the card:\n%+v\n%+v", before, after)
	}
}

func TestEveryDemoSchedaSurvivesARoundTrip(t *testing.T) {
	root := filepath.Join("..", "demo", "schede")
	p := NewParser()
	err := filepath.WalkDir(root, func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(name, ".md") {
			return err
		}
		src, _ := os.ReadFile(name)
		dr, err := Decompose(src)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			return nil
		}
		a, _ := p.Parse("x.md", src)
		b, problems := p.Parse("x.md", Compose(dr))
		if HasErrors(problems) || a.ID != b.ID || a.Title != b.Title || a.Summary != b.Summary || len(a.Sections) != len(b.Sections) {
			t.Errorf("%s changed in a round trip: %v", name, problems)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestEditorSave(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "passo.md"), []byte(sample), 0o644)
	e := NewEditor(dir)
	d, version, err := e.Read("passo.md")
	if err != nil {
		t.Fatal(err)
	}
	d.Title = "Passo carrabile (nuovo)"
	v2, _, err := e.Save("passo.md", d, version)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("the file is replaced and the old one kept", func(t *testing.T) {
		now, _ := os.ReadFile(filepath.Join(dir, "passo.md"))
		if !strings.Contains(string(now), "titolo: Passo carrabile (nuovo)") || Version(now) != v2 {
			t.Errorf("file = %s", now)
		}
		hist, _ := e.History("passo.md")
		if len(hist) != 1 {
			t.Fatalf("history = %v", hist)
		}
		old, _ := os.ReadFile(filepath.Join(dir, ".history", hist[0]))
		if string(old) != sample {
			t.Error("the previous version is not the old file")
		}
		if left, _ := filepath.Glob(filepath.Join(dir, ".tmp-*")); len(left) != 0 {
			t.Errorf("temp files left: %v", left)
		}
	})
	t.Run("saving over a version not seen is a conflict", func(t *testing.T) {
		d.Title = "Altro"
		if _, _, err := e.Save("passo.md", d, version); err != ErrConflict {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("two editors at once: one wins, the other is told", func(t *testing.T) {
		d, v, _ := e.Read("passo.md")
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i := range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				dd := d
				dd.Title = []string{"Editor uno", "Editor due"}[i]
				_, _, errs[i] = e.Save("passo.md", dd, v)
			}()
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			if err == nil {
				ok++
			} else if sportello.ErrorCode(err) != sportello.ECONFLICT {
				t.Error(err)
			}
		}
		if ok != 1 {
			t.Errorf("%d saves succeeded, want exactly one (%v)", ok, errs)
		}
	})
	t.Run("a draft with errors is not saved", func(t *testing.T) {
		d, v, _ := e.Read("passo.md")
		d.Title = ""
		_, problems, err := e.Save("passo.md", d, v)
		if sportello.ErrorCode(err) != sportello.EINVALID || !HasErrors(problems) {
			t.Errorf("err = %v, problems %v", err, problems)
		}
	})
	t.Run("a new scheda must not overwrite one", func(t *testing.T) {
		if _, _, err := e.Save("passo.md", d, ""); sportello.ErrorCode(err) != sportello.ECONFLICT {
			t.Errorf("err = %v", err)
		}
		nd := Form{ID: "nuova", Title: "Nuova scheda", Body: "Sintesi.\n\n## Come fare\n\nCosì."}
		if _, _, err := e.Save("servizi/nuova.md", nd, ""); err != nil {
			t.Error(err)
		}
	})
	t.Run("paths stay inside the folder", func(t *testing.T) {
		outside := filepath.Join(filepath.Dir(dir), "fuori.md")
		os.WriteFile(outside, []byte(sample), 0o644)
		defer os.Remove(outside)
		for _, p := range []string{"../fuori.md", "../../fuori.md", ".history/x.md", "_sinonimi.yaml", "a.txt"} {
			if d, _, err := e.Read(p); err == nil || d.Title != "" {
				t.Errorf("%s was read (%v)", p, err)
			}
		}
	})
}

func FuzzDecompose(f *testing.F) {
	f.Add([]byte(sample))
	f.Add([]byte("---\ntitolo: x\n---\n"))
	f.Add([]byte("---\n: :\n---\n"))
	f.Add([]byte("nessun front matter"))
	f.Add([]byte("---\ntitolo: [\n---\n"))
	p := NewParser()
	f.Fuzz(func(t *testing.T, src []byte) {
		d, err := Decompose(src)
		if err != nil {
			return
		}
		// A form read from a file composes into a file that parses (with
		// or without problems) without panicking, and reads back the same.
		out := Compose(d)
		p.Parse("x.md", out)
		d2, err := Decompose(out)
		if err != nil {
			t.Fatalf("a composed file does not decompose: %v\n%s", err, out)
		}
		if d2.Title != d.Title || d2.ID != d.ID {
			t.Errorf("round trip changed the title or id: %q/%q → %q/%q", d.ID, d.Title, d2.ID, d2.Title)
		}
	})
}

func TestFieldOf(t *testing.T) {
	f := Form{ID: "x", Title: "T", Questions: []string{"uno?", "due?"}, Link: "ftp://no", Updated: "2026-13-40", Body: "Sintesi.\n\n## Vuota\n\n## Piena\n\nTesto."}
	src := Compose(f)
	_, problems := NewParser().Parse("x.md", src)
	got := map[string]bool{}
	for _, p := range problems {
		got[FieldOf(src, p.Line)] = true
	}
	for _, want := range []string{"link", "aggiornata", "corpo"} {
		if !got[want] {
			t.Errorf("no problem placed on %s: %v (%v)", want, got, problems)
		}
	}
	for i, l := range strings.Split(string(src), "\n") {
		if strings.Contains(l, "- due?") {
			if got := FieldOf(src, i+1); got != "domande" {
				t.Errorf("a list item's line belongs to %q, want domande", got)
			}
		}
	}
}
