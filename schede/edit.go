package schede

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/sportello/sportello"
)

// Form is a scheda as an editor form holds it: the front-matter fields
// and the markdown body.
type Form struct {
	ID          string
	Title       string
	Description string
	Category    string
	Office      string
	Synonyms    []string
	Questions   []string
	Link        string
	Updated     string // AAAA-MM-GG
	Status      Status
	Body        string
	// Extra keeps front-matter keys the form does not know, so a save
	// never loses them.
	Extra map[string]any
}

// frontMatter is the YAML written for a draft, in the contract's order.
type frontMatter struct {
	ID          string   `yaml:"id,omitempty"`
	Title       string   `yaml:"titolo"`
	Description string   `yaml:"descrizione,omitempty"`
	Category    string   `yaml:"categoria,omitempty"`
	Office      string   `yaml:"ufficio,omitempty"`
	Synonyms    []string `yaml:"sinonimi,omitempty,flow"`
	Questions   []string `yaml:"domande,omitempty"`
	Link        string   `yaml:"link,omitempty"`
	Updated     string   `yaml:"aggiornata,omitempty"`
	Status      Status   `yaml:"stato,omitempty"`
}

// Compose writes a draft as a scheda file.
func Compose(d Form) []byte {
	fm := frontMatter{ID: d.ID, Title: d.Title, Description: d.Description, Category: d.Category, Office: d.Office,
		Synonyms: d.Synonyms, Questions: d.Questions, Link: d.Link, Updated: d.Updated, Status: d.Status}
	var b bytes.Buffer
	b.WriteString("---\n")
	y, _ := yaml.Marshal(fm) // plain strings and lists cannot fail
	b.Write(y)
	if len(d.Extra) > 0 {
		extra, _ := yaml.Marshal(d.Extra)
		b.Write(extra)
	}
	b.WriteString("---\n\n")
	body := strings.TrimSpace(strings.ReplaceAll(d.Body, "\r\n", "\n"))
	b.WriteString(body)
	b.WriteString("\n")
	return b.Bytes()
}

var formKeys = map[string]bool{"id": true, "titolo": true, "descrizione": true, "categoria": true, "ufficio": true,
	"sinonimi": true, "domande": true, "link": true, "aggiornata": true, "stato": true}

// Decompose reads a scheda file back into a draft. A file whose front
// matter does not parse is returned whole as the body, with an error, so
// an editor can still fix it.
func Decompose(src []byte) (Form, error) {
	s := strings.TrimPrefix(strings.ReplaceAll(string(src), "\r\n", "\n"), "\ufeff")
	rest, ok := strings.CutPrefix(s, "---\n")
	if !ok {
		return Form{Body: s}, errors.New("no front matter")
	}
	fmText, body, ok := strings.Cut(rest, "\n---\n")
	if !ok {
		return Form{Body: s}, errors.New("front matter not closed")
	}
	var raw map[string]any
	if err := yaml.Unmarshal([]byte(fmText), &raw); err != nil {
		return Form{Body: s}, err
	}
	var fm frontMatter
	_ = yaml.Unmarshal([]byte(fmText), &fm) // same text: fields of the wrong type stay empty
	d := Form{ID: fm.ID, Title: fm.Title, Description: fm.Description, Category: fm.Category, Office: fm.Office,
		Synonyms: fm.Synonyms, Questions: fm.Questions, Link: fm.Link, Updated: fm.Updated, Status: fm.Status,
		Body: strings.TrimLeft(body, "\n")}
	if v, ok := raw["aggiornata"].(time.Time); ok { // YAML reads a bare date as a time
		d.Updated = v.Format("2006-01-02")
	}
	for k, v := range raw {
		if !formKeys[k] {
			if d.Extra == nil {
				d.Extra = map[string]any{}
			}
			d.Extra[k] = v
		}
	}
	return d, nil
}

// Version identifies a file's content: an editor sends back the version
// it started from, and a save over a newer one is refused.
func Version(src []byte) string {
	h := sha256.Sum256(src)
	return hex.EncodeToString(h[:8])
}

// Editor writes schede into a folder: atomically (temp file, rename),
// keeping every previous version under .history/, refusing to overwrite
// a version the editor did not see.
type Editor struct {
	Dir    string
	Parser *Parser
	Now    func() time.Time
	// mu makes check-then-write one step for the editors of this
	// process; a file changed on disk meanwhile is still caught by its
	// version.
	mu sync.Mutex
}

// NewEditor edits the folder dir.
func NewEditor(dir string) *Editor { return &Editor{Dir: dir, Parser: NewParser(), Now: time.Now} }

// ErrConflict is returned when the file changed since it was read.
var ErrConflict = sportello.Errorf(sportello.ECONFLICT, "Nel frattempo qualcun altro ha salvato questa scheda: le tue modifiche non sono state scritte. Riapri la scheda per vedere la versione nuova e ripeti le modifiche.")

// cleanPath checks a path relative to the folder: a markdown file, not
// hidden, inside it.
func (e *Editor) cleanPath(p string) (string, error) {
	p = path.Clean("/" + strings.ReplaceAll(p, "\\", "/"))[1:]
	if p == "" || !strings.HasSuffix(p, ".md") || strings.Contains(p, "..") {
		return "", sportello.Errorf(sportello.EINVALID, "Percorso della scheda non valido.")
	}
	for _, part := range strings.Split(p, "/") {
		if strings.HasPrefix(part, ".") || strings.HasPrefix(part, "_") {
			return "", sportello.Errorf(sportello.EINVALID, "Percorso della scheda non valido.")
		}
	}
	return p, nil
}

// Read returns a scheda's draft and version.
func (e *Editor) Read(p string) (Form, string, error) {
	p, err := e.cleanPath(p)
	if err != nil {
		return Form{}, "", err
	}
	src, err := os.ReadFile(filepath.Join(e.Dir, filepath.FromSlash(p)))
	if errors.Is(err, fs.ErrNotExist) {
		return Form{}, "", sportello.Errorf(sportello.ENOTFOUND, "La scheda %s non esiste (forse è stata rinominata o cancellata).", p)
	} else if err != nil {
		return Form{}, "", err
	}
	d, _ := Decompose(src)
	return d, Version(src), nil
}

// Check composes a draft and returns the card it makes and every
// problem, as `sportello check` would report them.
func (e *Editor) Check(p string, d Form) (*Card, []Problem) {
	return e.Parser.Parse(p, Compose(d))
}

// Save writes a draft over the version the editor started from (""
// for a new file, which must not exist). The draft must have no errors.
// The previous content goes to .history/PATH.TIMESTAMP.md.
func (e *Editor) Save(p string, d Form, baseVersion string) (string, []Problem, error) {
	p, err := e.cleanPath(p)
	if err != nil {
		return "", nil, err
	}
	if _, problems := e.Check(p, d); HasErrors(problems) {
		return "", problems, sportello.Errorf(sportello.EINVALID, "La scheda ha degli errori: correggili prima di salvare.")
	}
	full := filepath.Join(e.Dir, filepath.FromSlash(p))
	e.mu.Lock()
	defer e.mu.Unlock()
	old, err := os.ReadFile(full)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if baseVersion != "" {
			return "", nil, ErrConflict // it was deleted meanwhile
		}
	case err != nil:
		return "", nil, err
	case baseVersion == "":
		return "", nil, sportello.Errorf(sportello.ECONFLICT, "Esiste già una scheda in %s: scegli un altro id.", p)
	case Version(old) != baseVersion:
		return "", nil, ErrConflict
	}
	src := Compose(d)
	if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		return "", nil, err
	}
	if old != nil {
		hist := filepath.Join(e.Dir, ".history", filepath.FromSlash(p)+"."+e.Now().UTC().Format("20060102T150405.000000000Z")+".md")
		if err := os.MkdirAll(filepath.Dir(hist), 0o755); err != nil {
			return "", nil, err
		}
		if err := os.WriteFile(hist, old, 0o644); err != nil {
			return "", nil, fmt.Errorf("keep previous version: %w", err)
		}
	}
	tmp, err := os.CreateTemp(filepath.Dir(full), ".tmp-*.md")
	if err != nil {
		return "", nil, err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(src); err != nil {
		tmp.Close()
		return "", nil, err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return "", nil, err
	}
	if err := tmp.Close(); err != nil {
		return "", nil, err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return "", nil, err
	}
	if err := os.Rename(tmp.Name(), full); err != nil {
		return "", nil, err
	}
	return Version(src), nil, nil
}

// History lists the saved versions of a scheda, newest first.
func (e *Editor) History(p string) ([]string, error) {
	p, err := e.cleanPath(p)
	if err != nil {
		return nil, err
	}
	matches, err := filepath.Glob(filepath.Join(e.Dir, ".history", filepath.FromSlash(p)+".*.md"))
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(matches))
	for i := len(matches) - 1; i >= 0; i-- {
		out = append(out, filepath.Base(matches[i]))
	}
	return out, nil
}

// FieldOf names the form field a problem's line points to in a composed
// file: a front-matter key ("titolo", "link"...), "corpo" for the body,
// or "" for the whole file; so an editor can show it beside the field.
func FieldOf(composed []byte, line int) string {
	if line <= 0 {
		return ""
	}
	lines := strings.Split(string(composed), "\n")
	if line > len(lines) {
		return "corpo"
	}
	end := 0 // the line of the closing "---"
	for i := 1; i < len(lines); i++ {
		if lines[i] == "---" {
			end = i + 1
			break
		}
	}
	if end == 0 || line >= end {
		if line == end {
			return ""
		}
		return "corpo"
	}
	// Walk up to the key that owns the line (lists continue below it).
	for i := line - 1; i >= 1; i-- {
		l := lines[i]
		if l == "" || l[0] == ' ' || l[0] == '-' {
			continue
		}
		if k, _, ok := strings.Cut(l, ":"); ok {
			return k
		}
		return ""
	}
	return ""
}
