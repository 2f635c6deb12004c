package schede

import (
	"bytes"
	"net/url"
	"sort"
	"strings"

	"github.com/yuin/goldmark"
	meta "github.com/yuin/goldmark-meta"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// newMarkdown builds the one goldmark instance used for every card:
// CommonMark + GFM, front matter, and a transformer that makes links safe.
// Raw HTML is left out by goldmark's default (non-"unsafe") renderer.
func newMarkdown() goldmark.Markdown {
	return goldmark.New(
		goldmark.WithExtensions(extension.GFM, meta.New()),
		goldmark.WithParserOptions(
			parser.WithASTTransformers(util.Prioritized(safeLinks{}, 1000)),
		),
	)
}

// safeLinks keeps only links a citizen can safely follow (http, https,
// mailto, tel, and relative ones), opens web links in a new tab without
// giving it a handle on the widget's page, and turns images into their
// alternative text: a chat answer is no place for remote images.
type safeLinks struct{}

func (safeLinks) Transform(doc *ast.Document, reader text.Reader, _ parser.Context) {
	src := reader.Source()
	var unwrap []ast.Node
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch l := n.(type) {
		case *ast.Link:
			switch linkKind(string(l.Destination)) {
			case "web":
				l.SetAttributeString("target", "_blank")
				l.SetAttributeString("rel", "noopener noreferrer")
			case "bad":
				unwrap = append(unwrap, l)
			}
		case *ast.AutoLink:
			unwrap = append(unwrap, l) // rendered back as plain text below
		case *ast.Image:
			unwrap = append(unwrap, l)
		}
		return ast.WalkContinue, nil
	})
	for _, n := range unwrap {
		parent := n.Parent()
		if parent == nil {
			continue
		}
		if al, ok := n.(*ast.AutoLink); ok {
			// Autolinks become ordinary links so the same rules apply.
			dest := al.URL(src)
			if linkKind(string(dest)) == "bad" {
				continue
			}
			if al.AutoLinkType == ast.AutoLinkEmail && !bytes.HasPrefix(dest, []byte("mailto:")) {
				dest = append([]byte("mailto:"), dest...)
			}
			link := ast.NewLink()
			link.Destination = dest
			if linkKind(string(dest)) == "web" {
				link.SetAttributeString("target", "_blank")
				link.SetAttributeString("rel", "noopener noreferrer")
			}
			link.AppendChild(link, ast.NewString(al.Label(src)))
			parent.ReplaceChild(parent, al, link)
			continue
		}
		for c := n.FirstChild(); c != nil; {
			next := c.NextSibling()
			parent.InsertBefore(parent, n, c)
			c = next
		}
		parent.RemoveChild(parent, n)
	}
}

// linkKind classifies a link destination as "web", "other" (mailto, tel,
// relative) or "bad".
func linkKind(dest string) string {
	u, err := url.Parse(strings.TrimSpace(dest))
	if err != nil {
		return "bad"
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
		if u.Host == "" {
			return "bad"
		}
		return "web"
	case "mailto", "tel":
		return "other"
	case "":
		if u.Host != "" { // "//host/path" would pick the page's scheme
			return "bad"
		}
		return "other"
	default:
		return "bad"
	}
}

// lineIndex turns byte offsets of a source into 1-based line numbers.
type lineIndex []int

func newLineIndex(src []byte) lineIndex {
	idx := lineIndex{0}
	for i, b := range src {
		if b == '\n' {
			idx = append(idx, i+1)
		}
	}
	return idx
}

func (li lineIndex) line(offset int) int {
	return sort.Search(len(li), func(i int) bool { return li[i] > offset })
}

// nodeLine returns the line where a block node starts, or 0 if unknown.
func nodeLine(n ast.Node, li lineIndex) int {
	for ; n != nil; n = n.FirstChild() {
		if n.Type() == ast.TypeBlock && n.Lines().Len() > 0 {
			return li.line(n.Lines().At(0).Start)
		}
		if t, ok := n.(*ast.Text); ok {
			return li.line(t.Segment.Start)
		}
	}
	return 0
}

// plainText gathers the readable text of nodes, one line per block.
func plainText(nodes []ast.Node, src []byte) string {
	var b strings.Builder
	for _, n := range nodes {
		_ = ast.Walk(n, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
			if !entering {
				if n.Type() == ast.TypeBlock {
					b.WriteByte('\n')
				}
				return ast.WalkContinue, nil
			}
			switch t := n.(type) {
			case *ast.Text:
				b.Write(t.Segment.Value(src))
				if t.SoftLineBreak() || t.HardLineBreak() {
					b.WriteByte(' ')
				}
			case *ast.String:
				b.Write(t.Value)
			case *ast.AutoLink:
				b.Write(t.Label(src))
			case *ast.CodeBlock, *ast.FencedCodeBlock:
				lines := n.Lines()
				for i := 0; i < lines.Len(); i++ {
					seg := lines.At(i)
					b.Write(seg.Value(src))
				}
				return ast.WalkSkipChildren, nil
			}
			if n.Kind().String() == "TableCell" {
				b.WriteByte(' ')
			}
			return ast.WalkContinue, nil
		})
	}
	return collapseSpace(b.String())
}

// collapseSpace trims each line and drops empty ones.
func collapseSpace(s string) string {
	lines := strings.Split(s, "\n")
	out := lines[:0]
	for _, l := range lines {
		if l = strings.Join(strings.Fields(l), " "); l != "" {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
