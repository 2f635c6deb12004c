package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"sort"

	"github.com/sportello/sportello/assistant"
	"github.com/sportello/sportello/demo"
	"github.com/sportello/sportello/handoff"
	"github.com/sportello/sportello/schede"
)

// loadSchede loads a folder, or the embedded demo comune when dir is "".
func loadSchede(dir string) (*schede.Set, []schede.Problem, error) {
	fsys := demo.Schede()
	if dir != "" {
		fi, err := os.Stat(dir)
		if err != nil || !fi.IsDir() {
			return nil, nil, fmt.Errorf("la cartella delle schede %q non esiste o non è una cartella", dir)
		}
		fsys = os.DirFS(dir)
	}
	set, problems, err := schede.NewLoader(fsys).Load()
	if err != nil {
		return nil, nil, fmt.Errorf("impossibile leggere la cartella delle schede %q: %v", dir, err)
	}
	return set, problems, nil
}

// newAssistant loads schede into a new assistant; problems that are
// errors are printed to w, since the broken cards will be missing.
func newAssistant(dir string, noBank bool, w io.Writer) (*assistant.Assistant, *schede.Set, error) {
	set, problems, err := loadSchede(dir)
	if err != nil {
		return nil, nil, err
	}
	for _, p := range problems {
		if p.Severity == schede.Error {
			fmt.Fprintln(w, p)
		}
	}
	a := assistant.New(assistant.Options{Comune: demo.Comune, Hours: handoff.DefaultCalendar().Sentence, NoBank: noBank})
	if err := a.Load(set); err != nil {
		return nil, nil, err
	}
	return a, set, nil
}

func runCheck(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	if err := fs.Parse(args); err != nil || fs.NArg() > 1 {
		fmt.Fprintln(stderr, "uso: sportello check [CARTELLA]")
		return 2
	}
	set, problems, err := loadSchede(fs.Arg(0))
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	sort.SliceStable(problems, func(i, j int) bool {
		if problems[i].File != problems[j].File {
			return problems[i].File < problems[j].File
		}
		return problems[i].Line < problems[j].Line
	})
	errs, warns := 0, 0
	for _, p := range problems {
		fmt.Fprintln(stdout, p)
		if p.Severity == schede.Error {
			errs++
		} else {
			warns++
		}
	}
	fmt.Fprintf(stdout, "%d schede valide (%d pubblicate), %d errori, %d avvisi\n", len(set.Cards), len(set.Published()), errs, warns)
	if errs > 0 {
		return 1
	}
	return 0
}
