// Package demo embeds the knowledge base of Valdoria, a fictitious comune,
// so that Sportello runs with no configuration, and its question set.
package demo

import (
	"embed"
	"io/fs"
)

//go:embed schede
var files embed.FS

// Domande is the demo comune's evaluation question set (TSV).
//
//go:embed domande.tsv
var Domande []byte

// Comune is the demo comune's name.
const Comune = "Comune di Valdoria"

// Schede returns the demo schede folder.
func Schede() fs.FS {
	sub, err := fs.Sub(files, "schede")
	if err != nil {
		panic(err) // the embedded folder exists by construction
	}
	return sub
}
