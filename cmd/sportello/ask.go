package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/sportello/sportello"
	"github.com/sportello/sportello/assistant"
)

func runAsk(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("ask", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("schede", "", "cartella delle schede (predefinita: il comune demo)")
	noBank := fs.Bool("no-bank", false, "senza le domande di altri comuni")
	asJSON := fs.Bool("json", false, "stampa la risposta in JSON")
	if err := fs.Parse(args); err != nil || fs.NArg() == 0 {
		fmt.Fprintln(stderr, `uso: sportello ask [--schede DIR] [--json] "domanda"`)
		return 2
	}
	a, _, err := newAssistant(*dir, *noBank, stderr)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	ans, err := a.Ask(ctx, strings.Join(fs.Args(), " "), assistant.Context{})
	if err != nil {
		fmt.Fprintln(stderr, sportello.ErrorMessage(err))
		return 1
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(ans)
		return 0
	}
	fmt.Fprintf(stdout, "decisione:  %s", ans.Decision)
	if ans.Reason != "" {
		fmt.Fprintf(stdout, " (%s)", ans.Reason)
	}
	fmt.Fprintf(stdout, "\nfiducia:    %.2f\n", ans.Confidence)
	if ans.Card != nil {
		fmt.Fprintf(stdout, "scheda:     %s (%s)\n", ans.Card.Title, ans.Card.ID)
	}
	if ans.Section != nil {
		fmt.Fprintf(stdout, "sezione:    %s\n", ans.Section.Heading)
	}
	for i, o := range ans.Options {
		fmt.Fprintf(stdout, "opzione %d:  %s (%s)\n", i+1, o.Title, o.ID)
	}
	fmt.Fprintf(stdout, "\n%s\n", ans.Text)
	if ans.Card != nil && ans.Card.Link != "" {
		fmt.Fprintf(stdout, "\nLeggi la scheda completa: %s\n", ans.Card.Link)
	}
	return 0
}
