package schede

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// SynonymsFile is the folder-wide synonyms file at the folder's root.
const SynonymsFile = "_sinonimi.yaml"

// Set is an immutable snapshot of a folder: every valid card, drafts
// included, and the folder-wide synonym groups.
type Set struct {
	Cards    []*Card // sorted by ID
	Synonyms [][]string
	byID     map[string]*Card
}

// NewSet builds a Set from cards whose IDs are unique.
func NewSet(cards []*Card, synonyms [][]string) *Set {
	s := &Set{Cards: append([]*Card(nil), cards...), Synonyms: synonyms, byID: make(map[string]*Card, len(cards))}
	sort.Slice(s.Cards, func(i, j int) bool { return s.Cards[i].ID < s.Cards[j].ID })
	for _, c := range s.Cards {
		s.byID[c.ID] = c
	}
	return s
}

// Card returns the card with the given ID, or nil.
func (s *Set) Card(id string) *Card { return s.byID[id] }

// Published returns the cards citizens may see.
func (s *Set) Published() []*Card {
	out := make([]*Card, 0, len(s.Cards))
	for _, c := range s.Cards {
		if c.Status == Published {
			out = append(out, c)
		}
	}
	return out
}

// Loader loads a folder again and again, re-parsing only files that
// changed and keeping the last good version of a file whose new version
// is broken, so a bad edit never takes a card away from citizens.
type Loader struct {
	FS     fs.FS
	Parser *Parser
	// Stamp returns a version string for a file (size and time); files
	// whose stamp did not change are not parsed again. Nil: always parse.
	Stamp func(name string) string

	cache    map[string]parsed
	lastGood map[string]*Card
}

type parsed struct {
	stamp    string
	card     *Card
	problems []Problem
}

// NewLoader returns a Loader over fsys.
func NewLoader(fsys fs.FS) *Loader {
	return &Loader{FS: fsys, Parser: NewParser(), cache: map[string]parsed{}, lastGood: map[string]*Card{}}
}

// Load reads the folder. The problems are every error and warning found;
// the Set holds what can be served, including last good versions of
// files that are broken now. It fails only when the folder is unreadable.
func (l *Loader) Load() (*Set, []Problem, error) {
	names, err := Files(l.FS)
	if err != nil {
		return nil, nil, fmt.Errorf("list schede: %w", err)
	}
	var problems []Problem
	var cards []*Card
	owner := map[string]*Card{}
	seen := map[string]bool{}
	for _, name := range names {
		seen[name] = true
		p, err := l.parse(name)
		if err != nil {
			problems = append(problems, Problem{File: name, Severity: Error, Message: fmt.Sprintf("impossibile leggere il file: %v", err)})
		}
		problems = append(problems, p.problems...)
		card := p.card
		if card == nil {
			card = l.lastGood[name]
			if card != nil {
				problems = append(problems, Problem{File: name, Severity: Warning, Message: "per ora resta in linea l'ultima versione valida della scheda"})
			}
		}
		if card == nil {
			continue
		}
		if prev, dup := owner[card.ID]; dup {
			problems = append(problems, Problem{File: name, Severity: Error, Message: fmt.Sprintf("id %q già usato da %s: ogni scheda deve avere un id diverso", card.ID, prev.Path)})
			continue
		}
		owner[card.ID] = card
		if p.card != nil {
			l.lastGood[name] = card
		}
		cards = append(cards, card)
	}
	for name := range l.cache {
		if !seen[name] {
			delete(l.cache, name)
			delete(l.lastGood, name)
		}
	}
	syn, synProblems := l.synonyms()
	problems = append(problems, synProblems...)
	return NewSet(cards, syn), problems, nil
}

func (l *Loader) parse(name string) (parsed, error) {
	stamp := ""
	if l.Stamp != nil {
		stamp = l.Stamp(name)
		if c, ok := l.cache[name]; ok && stamp != "" && c.stamp == stamp {
			return c, nil
		}
	}
	src, err := fs.ReadFile(l.FS, name)
	if err != nil {
		return parsed{}, err
	}
	card, problems := l.Parser.Parse(name, src)
	p := parsed{stamp: stamp, card: card, problems: problems}
	l.cache[name] = p
	return p, nil
}

// Files lists the scheda files of a folder: every *.md at any depth, but
// not below or named with a leading "_" or ".".
func Files(fsys fs.FS) ([]string, error) {
	var names []string
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		base := d.Name()
		if name != "." && (strings.HasPrefix(base, "_") || strings.HasPrefix(base, ".")) {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if !d.IsDir() && strings.EqualFold(path.Ext(base), ".md") {
			names = append(names, name)
		}
		return nil
	})
	sort.Strings(names)
	return names, err
}

// synonyms reads _sinonimi.yaml: a list of groups, each a list of at
// least two words or phrases.
func (l *Loader) synonyms() ([][]string, []Problem) {
	src, err := fs.ReadFile(l.FS, SynonymsFile)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	fail := func(line int, format string, args ...any) Problem {
		return Problem{File: SynonymsFile, Line: line, Severity: Error, Message: fmt.Sprintf(format, args...)}
	}
	if err != nil {
		return nil, []Problem{fail(0, "impossibile leggere il file: %v", err)}
	}
	var root yaml.Node
	if err := yaml.Unmarshal(src, &root); err != nil {
		line := 0
		if m := yamlLineRef.FindStringSubmatch(err.Error()); m != nil {
			fmt.Sscan(m[1], &line)
		}
		return nil, []Problem{fail(line, "YAML non valido (%s)", strings.TrimPrefix(err.Error(), "yaml: "))}
	}
	if len(root.Content) == 0 {
		return nil, nil
	}
	top := root.Content[0]
	if top.Kind != yaml.SequenceNode {
		return nil, []Problem{fail(top.Line, "il file deve essere un elenco di gruppi, ad esempio: - [tari, tassa rifiuti, spazzatura]")}
	}
	var groups [][]string
	var problems []Problem
	for _, g := range top.Content {
		if g.Kind != yaml.SequenceNode {
			problems = append(problems, fail(g.Line, "ogni gruppo deve essere un elenco tra parentesi quadre, ad esempio [cie, carta d'identità]"))
			continue
		}
		var group []string
		for _, w := range g.Content {
			if w.Kind != yaml.ScalarNode || strings.TrimSpace(w.Value) == "" {
				problems = append(problems, fail(w.Line, "voce vuota o non valida nel gruppo di sinonimi"))
				continue
			}
			group = append(group, strings.TrimSpace(w.Value))
		}
		if len(group) < 2 {
			problems = append(problems, fail(g.Line, "un gruppo di sinonimi deve avere almeno due voci"))
			continue
		}
		groups = append(groups, group)
	}
	return groups, problems
}
