package assistant

import (
	"sort"
	"strings"
	"unicode/utf8"
)

// typoIndex finds the index stems one typo away from a stem that the
// index does not know: a symmetric-deletion dictionary (every stem with
// one letter deleted) plus a key with doubled letters collapsed, the most
// common Italian misspelling ("carabile", "tarri").
//
// Only unknown stems are corrected, the first letter must agree and the
// stem must have at least minTypoLen letters: a real word of the schede
// is never bent into another, and short words are left alone.
type typoIndex struct {
	df      map[string]int
	deletes map[string][]string
	squash  map[string][]string
	// prefixes maps the first prefixLen letters of long stems to them,
	// for words of the same family the stemmer does not join
	// ("compostiera", "compostaggio").
	prefixes map[string][]string
}

const prefixLen = 6

const minTypoLen = 4

func newTypoIndex(df map[string]int) *typoIndex {
	ti := &typoIndex{df: df, deletes: map[string][]string{}, squash: map[string][]string{}, prefixes: map[string][]string{}}
	for t := range df {
		n := utf8.RuneCountInString(t)
		if n > prefixLen {
			p := string([]rune(t)[:prefixLen])
			ti.prefixes[p] = append(ti.prefixes[p], t)
		}
		if n < minTypoLen-1 {
			continue
		}
		// Doubled letters are fixed even towards short stems ("tarri"
		// → "tar"); other typos only between longer ones.
		k := squashDoubles(t)
		ti.squash[k] = append(ti.squash[k], t)
		if n < minTypoLen {
			continue
		}
		for _, d := range deletions(t) {
			ti.deletes[d] = append(ti.deletes[d], t)
		}
	}
	return ti
}

// correct returns up to two known stems for an unknown one, most frequent
// first.
func (ti *typoIndex) correct(t string) []string {
	n := utf8.RuneCountInString(t)
	if n < minTypoLen-1 {
		return nil
	}
	found := map[string]bool{}
	for _, c := range ti.squash[squashDoubles(t)] {
		// A three-letter stem is only given back its double letter
		// ("paso" → "pass").
		if n >= minTypoLen || utf8.RuneCountInString(c) > n {
			found[c] = true
		}
	}
	if len(found) == 0 && n >= minTypoLen {
		if _, ok := ti.df[t]; ok {
			return nil
		}
		for _, d := range append(deletions(t), t) {
			if _, ok := ti.df[d]; ok && utf8.RuneCountInString(d) >= minTypoLen {
				found[d] = true
			}
			for _, c := range ti.deletes[d] {
				found[c] = true
			}
		}
	}
	var out []string
	for c := range found {
		if c != t && sameFirst(c, t) && (squashDoubles(c) == squashDoubles(t) || osaDistance(c, t) <= 1) {
			out = append(out, c)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if ti.df[out[i]] != ti.df[out[j]] {
			return ti.df[out[i]] > ti.df[out[j]]
		}
		return out[i] < out[j]
	})
	if len(out) > 2 {
		out = out[:2]
	}
	return out
}

// family returns the most frequent known stem that shares the first
// prefixLen letters with an unknown stem of more than prefixLen letters.
func (ti *typoIndex) family(t string) string {
	rs := []rune(t)
	if len(rs) <= prefixLen {
		return ""
	}
	best := ""
	for _, c := range ti.prefixes[string(rs[:prefixLen])] {
		if best == "" || ti.df[c] > ti.df[best] || ti.df[c] == ti.df[best] && c < best {
			best = c
		}
	}
	return best
}

func sameFirst(a, b string) bool {
	ra, _ := utf8.DecodeRuneInString(a)
	rb, _ := utf8.DecodeRuneInString(b)
	return ra == rb
}

func deletions(t string) []string {
	rs := []rune(t)
	out := make([]string, 0, len(rs))
	for i := range rs {
		out = append(out, string(rs[:i])+string(rs[i+1:]))
	}
	return out
}

func squashDoubles(t string) string {
	rs := []rune(t)
	out := rs[:0:0]
	for i, r := range rs {
		if i > 0 && rs[i-1] == r {
			continue
		}
		out = append(out, r)
	}
	return string(out)
}

// osaDistance is the optimal string alignment distance: Levenshtein plus
// the swap of two adjacent letters ("iscirzione").
func osaDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	n, m := len(ra), len(rb)
	d := make([][]int, n+1)
	for i := range d {
		d[i] = make([]int, m+1)
		d[i][0] = i
	}
	for j := 0; j <= m; j++ {
		d[0][j] = j
	}
	for i := 1; i <= n; i++ {
		for j := 1; j <= m; j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[n][m]
}

// synGroup is a group of phrases, each as stems, that mean the same.
type synGroup struct {
	phrases [][]string
	weight  float64
}

func compileGroups(a *Analyzer, groups [][]string, weight float64) []synGroup {
	var out []synGroup
	for _, g := range groups {
		sg := synGroup{weight: weight}
		for _, p := range g {
			if stems := a.Stems(p); len(stems) > 0 {
				sg.phrases = append(sg.phrases, stems)
			}
		}
		if len(sg.phrases) > 1 {
			out = append(out, sg)
		}
	}
	return out
}

// alteredSuffixes are the stems' endings of Italian diminutives and
// superlatives ("barchetta", "lucina", "cagnolino", "altissima"), which
// Snowball leaves on: citizens use them, schede do not.
var alteredSuffixes = []string{"olin", "icin", "issim", "ett", "ell", "in"}

// unaltered returns the known stem an unknown diminutive or superlative
// comes from ("barchett" → "barc", "lucin" → "luc"), or "".
func (ti *typoIndex) unaltered(t string) string {
	for _, suf := range alteredSuffixes {
		base, ok := strings.CutSuffix(t, suf)
		if !ok || utf8.RuneCountInString(base) < 3 {
			continue
		}
		// "barch" → "barc", "fogli" → "fogl": the letter kept before
		// the suffix only for its sound.
		for _, c := range []string{base, strings.TrimSuffix(base, "h"), strings.TrimSuffix(base, "i")} {
			if ti.df[c] > 0 {
				return c
			}
		}
	}
	return ""
}
