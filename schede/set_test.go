package schede

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"
)

func card(id, title string) string {
	return "---\nid: " + id + "\ntitolo: " + title + "\n---\nSintesi di " + title + ".\n\n## Come fare\n\nSi compila la domanda.\n"
}

func TestLoadFolder(t *testing.T) {
	fsys := fstest.MapFS{
		"a/nido.md":           {Data: []byte(card("nido", "Asilo nido"))},
		"b/tari.md":           {Data: []byte(card("tari", "TARI"))},
		"b/copia.md":          {Data: []byte(card("tari", "TARI copia"))},
		"_bozze/x.md":         {Data: []byte(card("x", "Nascosta"))},
		".git/y.md":           {Data: []byte(card("y", "Nascosta"))},
		"_nota.md":            {Data: []byte(card("z", "Nascosta"))},
		"leggimi.txt":         {Data: []byte("non è una scheda")},
		"rotta.md":            {Data: []byte("---\nid: rotta\n---\n")},
		"bozza.md":            {Data: []byte("---\ntitolo: Bozza\nstato: bozza\n---\nTesto.\n\n## Come fare\n\nX.\n")},
		SynonymsFile:          {Data: []byte("- [tari, tassa rifiuti, monnezza]\n- [solo]\n- ciao\n")},
		"c/d/profonda.md":     {Data: []byte(card("profonda", "Profonda"))},
		"c/d/maiuscolo.MD":    {Data: []byte(card("maiuscolo", "Estensione maiuscola"))},
		"c/d/ancora-rotta.md": {Data: []byte("---\ntitolo: [\n---\n")},
	}
	set, problems, err := NewLoader(fsys).Load()
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, c := range set.Cards {
		ids = append(ids, c.ID)
	}
	if got, want := strings.Join(ids, ","), "bozza,maiuscolo,nido,profonda,tari"; got != want {
		t.Errorf("cards: got %s, want %s", got, want)
	}
	if got, want := len(set.Published()), 4; got != want {
		t.Errorf("published: got %d, want %d", got, want)
	}
	if got := set.Card("tari").Title; got != "TARI copia" && got != "TARI" {
		t.Errorf("tari title %q", got)
	}
	if got, want := len(set.Synonyms), 1; got != want {
		t.Errorf("synonym groups: got %d, want %d", got, want)
	}
	all := ""
	for _, p := range problems {
		all += p.String() + "\n"
	}
	for _, want := range []string{
		`b/tari.md: errore: id "tari" già usato da b/copia.md`,
		"rotta.md: errore: manca il titolo",
		"c/d/ancora-rotta.md:",
		"_sinonimi.yaml:2: errore: un gruppo di sinonimi deve avere almeno due voci",
		"_sinonimi.yaml:3: errore: ogni gruppo deve essere un elenco",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("problems lack %q:\n%s", want, all)
		}
	}
}

func TestLoaderKeepsLastGoodVersion(t *testing.T) {
	fsys := fstest.MapFS{"nido.md": {Data: []byte(card("nido", "Asilo nido"))}}
	l := NewLoader(fsys)
	if _, _, err := l.Load(); err != nil {
		t.Fatal(err)
	}
	fsys["nido.md"] = &fstest.MapFile{Data: []byte("---\nid: nido\ntitolo: [rotto\n---\n")}
	set, problems, err := l.Load()
	if err != nil {
		t.Fatal(err)
	}
	if c := set.Card("nido"); c == nil || c.Title != "Asilo nido" {
		t.Fatalf("last good version not kept: %+v", c)
	}
	if !HasErrors(problems) {
		t.Error("the broken edit is not reported")
	}
	delete(fsys, "nido.md")
	set, _, _ = l.Load()
	if set.Card("nido") != nil {
		t.Error("a removed file still serves its card")
	}
}

func TestWatcherPicksUpChanges(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		// Make sure the change is visible even on coarse file-time clocks.
		later := time.Now().Add(time.Duration(len(content)) * time.Millisecond)
		_ = os.Chtimes(p, later, later)
	}
	write("nido.md", card("nido", "Asilo nido"))
	var mu sync.Mutex
	var cur *Set
	w := NewWatcher(dir, slog.New(slog.NewTextHandler(io.Discard, nil)), func(s *Set, _ []Problem) {
		mu.Lock()
		cur = s
		mu.Unlock()
	})
	w.Interval = 20 * time.Millisecond
	if err := w.Load(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go w.Run(ctx)
	waitFor := func(what string, ok func(*Set) bool) {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for time.Now().Before(deadline) {
			mu.Lock()
			s := cur
			mu.Unlock()
			if ok(s) {
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
		t.Fatalf("watcher did not pick up: %s", what)
	}
	write("tari.md", card("tari", "TARI"))
	waitFor("added file", func(s *Set) bool { return s.Card("tari") != nil })
	write("nido.md", card("nido", "Nido comunale"))
	waitFor("edited file", func(s *Set) bool { return s.Card("nido").Title == "Nido comunale" })
	write("nido.md", "---\ntitolo: [\n---\n")
	write("imu.md", card("imu", "IMU"))
	waitFor("broken edit keeps last good", func(s *Set) bool {
		return s.Card("imu") != nil && s.Card("nido") != nil && s.Card("nido").Title == "Nido comunale"
	})
	if err := os.Remove(filepath.Join(dir, "tari.md")); err != nil {
		t.Fatal(err)
	}
	waitFor("removed file", func(s *Set) bool { return s.Card("tari") == nil })
}
