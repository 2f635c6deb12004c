package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/sportello/sportello/handoff"
)

// runHours prints whether the office is open at an instant by its
// calendar, then the next closing or opening, so IT can check a
// configuration.
func runHours(args []string, stdout, stderr io.Writer, now func() time.Time) int {
	fs := flag.NewFlagSet("hours", flag.ContinueOnError)
	fs.SetOutput(stderr)
	file := fs.String("config", "", "file di configurazione YAML (o SPORTELLO_CONFIG)")
	at := fs.String("at", "", "istante da controllare, RFC 3339 (predefinito: adesso)")
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "uso: sportello hours [--config FILE] [--at 2026-12-24T10:00:00+01:00]")
		return 2
	}
	cfg, err := LoadConfig(*file, os.Getenv)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	cal, err := cfg.Calendar()
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	t := now()
	if *at != "" {
		if t, err = time.Parse(time.RFC3339, *at); err != nil {
			fmt.Fprintf(stderr, "--at %q non è un istante RFC 3339, ad esempio 2026-12-24T10:00:00+01:00\n", *at)
			return 2
		}
	}
	t = t.In(cal.Loc)
	if end, open := cal.NextClosing(t); open {
		fmt.Fprintln(stdout, "aperto")
		fmt.Fprintf(stdout, "chiude: %s\n", handoff.ItalianDate(end.In(cal.Loc)))
	} else {
		fmt.Fprintln(stdout, "chiuso")
		if h := cal.Holiday(t); h != "" {
			fmt.Fprintf(stdout, "festivo: %s\n", h)
		}
		if next, ok := cal.NextOpening(t); ok {
			fmt.Fprintf(stdout, "riapre: %s\n", handoff.ItalianDate(next.In(cal.Loc)))
		} else {
			fmt.Fprintln(stdout, "riapre: mai nei prossimi 400 giorni: controlla la configurazione")
		}
	}
	fmt.Fprintln(stdout, cal.Sentence(t))
	return 0
}
