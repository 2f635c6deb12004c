package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/sportello/sportello/assistant"
	"github.com/sportello/sportello/demo"
)

func runEval(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("schede", "", "cartella delle schede (predefinita: il comune demo)")
	noBank := fs.Bool("no-bank", false, "senza le domande di altri comuni")
	file := fs.String("domande", "", "file TSV delle domande (predefinito: quelle del comune demo)")
	asJSON := fs.Bool("json", false, "stampa il rapporto in JSON")
	verbose := fs.Bool("v", false, "elenca anche le risposte giuste")
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "uso: sportello eval [--schede DIR] [--domande FILE.tsv] [--json]")
		return 2
	}
	if *dir != "" && *file == "" {
		fmt.Fprintln(stderr, "con --schede serve anche --domande: le domande del comune demo valgono solo per le sue schede")
		return 2
	}
	src, name := demo.Domande, "domande demo"
	if *file != "" {
		b, err := os.ReadFile(*file)
		if err != nil {
			fmt.Fprintf(stderr, "impossibile leggere il file delle domande: %v\n", err)
			return 1
		}
		src, name = b, *file
	}
	qs, errs := assistant.ReadQuestions(bytes.NewReader(src), name)
	for _, e := range errs {
		fmt.Fprintln(stderr, e)
	}
	if len(errs) > 0 {
		return 1
	}
	a, set, err := newAssistant(*dir, *noBank, stderr)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	unknown := 0
	for _, q := range qs {
		for _, id := range q.Expected {
			if set.Card(id) == nil {
				fmt.Fprintf(stderr, "%s:%d: la scheda %q non esiste nella cartella\n", name, q.Line, id)
				unknown++
			}
		}
	}
	if unknown > 0 {
		return 1
	}
	rep, err := assistant.Evaluate(ctx, a, qs)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(rep)
		return 0
	}
	printReport(stdout, rep, *verbose)
	return 0
}

func printReport(w io.Writer, r assistant.Report, verbose bool) {
	for _, res := range r.Results {
		if res.Right && !verbose {
			continue
		}
		mark := "ERR"
		if res.Right {
			mark = "ok "
		}
		got := res.Scheda
		if res.Outcome == "clarify" {
			got = fmt.Sprint(res.Options)
		}
		fmt.Fprintf(w, "%s %-8s %-28s atteso %-28s %.2f  %s\n", mark, res.Outcome, got, res.Expected, res.Confidence, res.Question)
	}
	pct := func(n, d int) float64 {
		if d == 0 {
			return 0
		}
		return 100 * float64(n) / float64(d)
	}
	fmt.Fprintf(w, "\ndomande: %d (%d in ambito, %d fuori ambito)\n", r.Total, r.InScope, r.OutOfScope)
	fmt.Fprintf(w, "in ambito: risposte giuste %.1f%%, giuste + chiarimenti giusti %.1f%%, passate a un operatore %.1f%%\n",
		pct(r.AnsweredRight, r.InScope), pct(r.AnsweredRight+r.ClarifiedRight, r.InScope), pct(r.HandoffMissed, r.InScope))
	fmt.Fprintf(w, "risposte sbagliate: %d (%.1f%% di tutte le domande); chiarimenti sbagliati: %d\n", r.AnsweredWrong, pct(r.AnsweredWrong, r.Total), r.ClarifiedWrong)
	fmt.Fprintf(w, "fuori ambito passate a un operatore: %.1f%%\n", pct(r.HandoffRight, r.OutOfScope))
	fmt.Fprintf(w, "top1 %.3f  top3 %.3f  MRR %.3f\n", r.Top1, r.Top3, r.MRR)
}
