package schede

import (
	"bytes"
	"fmt"
	"net/url"
	"path"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/yuin/goldmark"
	meta "github.com/yuin/goldmark-meta"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"gopkg.in/yaml.v2"
)

var (
	idPattern   = regexp.MustCompile(`^[a-z0-9-]+$`)
	yamlLineRef = regexp.MustCompile(`line (\d+)`)
	knownKeys   = []string{"id", "titolo", "descrizione", "categoria", "ufficio", "sinonimi", "domande", "link", "aggiornata", "stato"}
)

// staleAfter is how old a review may be before check warns about it.
const staleAfter = 365 * 24 * time.Hour

// Parser turns scheda files into Cards. It is safe for concurrent use.
type Parser struct {
	md goldmark.Markdown
	// Now is the clock used to judge review dates.
	Now func() time.Time
}

// NewParser returns a Parser with the real clock.
func NewParser() *Parser { return &Parser{md: newMarkdown(), Now: time.Now} }

// Parse reads one file. It returns the card (nil when an error makes it
// unusable) and every problem it found, errors and warnings.
func (p *Parser) Parse(name string, src []byte) (*Card, []Problem) {
	f := &fileCheck{name: name}
	if !utf8.Valid(src) {
		bad := 0
		for i := 0; i < len(src); {
			r, size := utf8.DecodeRune(src[i:])
			if r == utf8.RuneError && size <= 1 {
				bad = i
				break
			}
			i += size
		}
		f.errorf(newLineIndex(src).line(bad), "il file non è in UTF-8: salvalo con la codifica UTF-8")
		return nil, f.problems
	}
	src = bytes.TrimPrefix(src, []byte("\ufeff"))
	li := newLineIndex(src)
	fmEnd, ok := f.frontMatterBounds(src, li)
	if !ok {
		return nil, f.problems
	}
	pc := parser.NewContext()
	doc := p.md.Parser().Parse(text.NewReader(src), parser.WithContext(pc))
	items, err := meta.TryGetItems(pc)
	if err != nil {
		line := 0
		if m := yamlLineRef.FindStringSubmatch(err.Error()); m != nil {
			n, _ := strconv.Atoi(m[1])
			line = n + 1 // the YAML starts after the first "---"
		}
		f.errorf(line, "il front matter non è YAML valido (%s)", strings.TrimPrefix(err.Error(), "yaml: "))
	}
	card := &Card{Path: name, Status: Published}
	fmLines := strings.Split(string(src[:fmEnd]), "\n")
	f.frontMatter(card, items, fmLines, p.Now())
	if card.ID == "" && items != nil {
		base := strings.TrimSuffix(path.Base(name), path.Ext(name))
		if idPattern.MatchString(base) {
			card.ID = base
		} else {
			f.errorf(0, "il nome del file %q non è un id valido (solo minuscole, cifre e trattini): aggiungi la chiave id", base)
		}
	}
	p.body(f, card, doc, src, li, fmEnd)
	if card.Description == "" {
		card.Description = firstLine(card.Summary)
	}
	if HasErrors(f.problems) {
		return nil, f.problems
	}
	return card, f.problems
}

// fileCheck accumulates the problems of one file.
type fileCheck struct {
	name     string
	problems []Problem
}

func (f *fileCheck) errorf(line int, format string, args ...any) {
	f.problems = append(f.problems, Problem{File: f.name, Line: line, Severity: Error, Message: fmt.Sprintf(format, args...)})
}

func (f *fileCheck) warnf(line int, format string, args ...any) {
	f.problems = append(f.problems, Problem{File: f.name, Line: line, Severity: Warning, Message: fmt.Sprintf(format, args...)})
}

// frontMatterBounds checks the two "---" lines and returns the offset just
// past the closing one.
func (f *fileCheck) frontMatterBounds(src []byte, li lineIndex) (int, bool) {
	if len(bytes.TrimSpace(src)) == 0 {
		f.errorf(0, "il file è vuoto")
		return 0, false
	}
	for i := 0; i < len(li); i++ {
		start := li[i]
		end := len(src)
		if i+1 < len(li) {
			end = li[i+1]
		}
		line := strings.TrimSpace(string(src[start:end]))
		if i == 0 {
			if line != "---" {
				f.errorf(1, "il file deve iniziare con il front matter: una riga '---', le chiavi YAML (almeno titolo) e un'altra riga '---'")
				return 0, false
			}
			continue
		}
		if line == "---" {
			return end, true
		}
	}
	f.errorf(1, "il front matter aperto alla riga 1 non è chiuso da una riga '---'")
	return 0, false
}

func (f *fileCheck) frontMatter(c *Card, items yaml.MapSlice, lines []string, now time.Time) {
	lineOf := func(key string) int {
		for i, l := range lines {
			if strings.HasPrefix(l, key) && strings.HasPrefix(strings.TrimSpace(l[len(key):]), ":") {
				return i + 1
			}
		}
		return 0
	}
	seen := map[string]bool{}
	for _, it := range items {
		key := fmt.Sprint(it.Key)
		line := lineOf(key)
		if seen[key] {
			f.errorf(line, "la chiave %q è ripetuta", key)
			continue
		}
		seen[key] = true
		switch key {
		case "id":
			s, ok := f.str(key, it.Value, line)
			if ok && !idPattern.MatchString(s) {
				f.errorf(line, "id %q non valido: usa solo lettere minuscole senza accenti, cifre e trattini (es. iscrizione-asilo-nido)", s)
			} else if ok {
				c.ID = s
			}
		case "titolo":
			c.Title, _ = f.str(key, it.Value, line)
		case "descrizione":
			c.Description, _ = f.str(key, it.Value, line)
		case "categoria":
			c.Category, _ = f.str(key, it.Value, line)
		case "ufficio":
			c.Office, _ = f.str(key, it.Value, line)
		case "sinonimi":
			c.Synonyms = f.list(key, it.Value, line)
		case "domande":
			c.Questions = f.list(key, it.Value, line)
		case "link":
			s, ok := f.str(key, it.Value, line)
			if !ok {
				break
			}
			u, err := url.Parse(s)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				f.errorf(line, "link %q non valido: serve un indirizzo completo che inizi con https:// o http://", s)
				break
			}
			c.Link = s
		case "aggiornata":
			f.date(c, it.Value, line, now)
		case "stato":
			s, ok := f.str(key, it.Value, line)
			if !ok {
				break
			}
			switch Status(s) {
			case Published, Draft:
				c.Status = Status(s)
			default:
				f.errorf(line, "stato %q non valido: usa pubblicata oppure bozza", s)
			}
		default:
			if near := Closest(key, knownKeys); near != "" {
				f.warnf(line, "chiave sconosciuta %q ignorata: forse intendevi %q?", key, near)
			} else {
				f.warnf(line, "chiave sconosciuta %q ignorata", key)
			}
		}
	}
	if items != nil && strings.TrimSpace(c.Title) == "" {
		f.errorf(lineOf("titolo"), "manca il titolo: aggiungi la chiave titolo con il nome del servizio")
	}
}

func (f *fileCheck) str(key string, v any, line int) (string, bool) {
	switch s := v.(type) {
	case string:
		return strings.TrimSpace(s), true
	case int, float64, bool:
		return fmt.Sprint(s), true
	case nil:
		return "", true
	}
	f.errorf(line, "la chiave %s deve contenere un testo", key)
	return "", false
}

func (f *fileCheck) list(key string, v any, line int) []string {
	items, ok := v.([]any)
	if v == nil {
		return nil
	}
	if !ok {
		f.errorf(line, "la chiave %s deve essere un elenco, ad esempio [voce uno, voce due] oppure righe che iniziano con '- '", key)
		return nil
	}
	var out []string
	for i, it := range items {
		s, isStr := it.(string)
		if !isStr {
			if it == nil {
				f.errorf(line, "la voce %d di %s è vuota", i+1, key)
				continue
			}
			s = fmt.Sprint(it)
		}
		if s = strings.TrimSpace(s); s == "" {
			f.errorf(line, "la voce %d di %s è vuota", i+1, key)
			continue
		}
		out = append(out, s)
	}
	return out
}

func (f *fileCheck) date(c *Card, v any, line int, now time.Time) {
	var d time.Time
	switch x := v.(type) {
	case time.Time:
		d = x
	case string:
		var err error
		d, err = time.Parse("2006-01-02", strings.TrimSpace(x))
		if err != nil {
			f.errorf(line, "data %q non valida: scrivila come AAAA-MM-GG, ad esempio 2026-01-15", x)
			return
		}
	default:
		f.errorf(line, "data %v non valida: scrivila come AAAA-MM-GG, ad esempio 2026-01-15", v)
		return
	}
	c.Updated = d
	switch {
	case d.After(now.Add(24 * time.Hour)):
		f.warnf(line, "la data di aggiornamento %s è nel futuro", d.Format("2006-01-02"))
	case now.Sub(d) > staleAfter:
		f.warnf(line, "la scheda non è stata rivista da più di un anno (ultima revisione %s)", d.Format("02/01/2006"))
	}
}

// body splits the markdown after the front matter into summary and "##"
// sections, rendering each to HTML.
func (p *Parser) body(f *fileCheck, c *Card, doc ast.Node, src []byte, li lineIndex, fmEnd int) {
	var blocks []ast.Node
	for n := doc.FirstChild(); n != nil; n = n.NextSibling() {
		if n.Lines().Len() > 0 && n.Lines().At(0).Start < fmEnd {
			continue // the front matter block, left in place on YAML errors
		}
		blocks = append(blocks, n)
	}
	var summary []ast.Node
	var cur *Section
	var curNodes []ast.Node
	slugs := map[string]int{}
	flush := func() {
		if cur == nil {
			return
		}
		cur.Text = plainText(curNodes, src)
		cur.HTML = p.render(curNodes, src)
		if cur.Text == "" {
			f.errorf(cur.Line, "la sezione %q è vuota: scrivi il contenuto o togli il titolo", cur.Heading)
		} else {
			c.Sections = append(c.Sections, *cur)
		}
	}
	for i, n := range blocks {
		h, isHeading := n.(*ast.Heading)
		switch {
		case isHeading && h.Level == 1 && cur == nil && len(summary) == 0 && i == 0:
			continue // the optional "#" title
		case isHeading && h.Level == 2:
			flush()
			heading := plainText([]ast.Node{h}, src)
			line := nodeLine(h, li)
			if heading == "" {
				f.errorf(line, "titolo di sezione vuoto dopo '##'")
			}
			slug := slugify(heading)
			if slugs[slug]++; slugs[slug] > 1 {
				slug = fmt.Sprintf("%s-%d", slug, slugs[slug])
			}
			cur = &Section{Heading: heading, Slug: slug, Line: line}
			curNodes = nil
		case cur == nil:
			summary = append(summary, n)
		default:
			curNodes = append(curNodes, n)
		}
	}
	flush()
	c.Summary = plainText(summary, src)
	c.SummaryHTML = p.render(summary, src)
	if len(c.Sections) == 0 && !HasErrors(f.problems) {
		f.warnf(0, "la scheda non ha sezioni '##': l'assistente potrà rispondere solo con il riassunto")
	}
	if c.Summary == "" && c.Description == "" {
		f.warnf(0, "manca una sintesi: aggiungi descrizione o un paragrafo prima della prima sezione")
	}
}

func (p *Parser) render(nodes []ast.Node, src []byte) string {
	var b bytes.Buffer
	for _, n := range nodes {
		if err := p.md.Renderer().Render(&b, src, n); err != nil {
			return ""
		}
	}
	return strings.TrimSpace(b.String())
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
