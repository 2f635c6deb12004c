// Package schede owns the scheda format (see shared/schede-format.md): it
// loads a folder of markdown service cards, validates them with file and
// line, renders their sections to safe HTML and watches the folder.
package schede

import (
	"fmt"
	"time"
)

// Status says whether a card may be shown to citizens.
type Status string

// The two states of a card; a bozza is never served to citizens.
const (
	Published Status = "pubblicata"
	Draft     Status = "bozza"
)

// Card is one scheda informativa.
type Card struct {
	ID          string
	Title       string
	Description string
	Category    string
	Office      string
	Synonyms    []string
	Questions   []string
	Link        string
	Updated     time.Time // zero when the card does not say
	Status      Status

	// Summary is the text before the first "##", as plain text and HTML.
	Summary     string
	SummaryHTML string
	Sections    []Section

	// Path is the file's path relative to the folder, with forward slashes.
	Path string
}

// Section is the unit of an answer: one "##" heading and what follows it.
type Section struct {
	Heading string
	// Slug is the heading as an URL fragment, unique within the card.
	Slug string
	// Text is the section as plain text (for search); HTML is the rendered,
	// sanitised body without the heading.
	Text string
	HTML string
	Line int
}

// Severity of a Problem.
type Severity int

// Errors make a card unusable; warnings are advice for the URP editors.
const (
	Warning Severity = iota
	Error
)

// Problem is one finding about a file, with the line it concerns (0 when
// it concerns the whole file). Message is Italian: it is read by URP staff.
type Problem struct {
	File     string
	Line     int
	Severity Severity
	Message  string
}

func (p Problem) String() string {
	kind := "avviso"
	if p.Severity == Error {
		kind = "errore"
	}
	if p.Line > 0 {
		return fmt.Sprintf("%s:%d: %s: %s", p.File, p.Line, kind, p.Message)
	}
	return fmt.Sprintf("%s: %s: %s", p.File, kind, p.Message)
}

// HasErrors reports whether any problem is an error.
func HasErrors(ps []Problem) bool {
	for _, p := range ps {
		if p.Severity == Error {
			return true
		}
	}
	return false
}
