// Command sportello is the URP assistant of a comune: the server, and the
// tools to check schede, ask questions and evaluate answers.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"
)

const usage = `Uso: sportello <comando> [opzioni]

Comandi:
  serve [--config FILE]                  avvia il server (predefinito: il comune demo su :8080)
  check [CARTELLA]                       controlla una cartella di schede (senza cartella: il comune demo)
  ask [--schede DIR] [--no-bank] [--json] "domanda"
                                         chiede all'assistente e stampa la risposta
  hours [--config FILE] [--at RFC3339]   dice se l'ufficio è aperto in quell'istante e quando chiude o riapre
  users add|passwd|list|disable|enable|delete [--config FILE] [NOME]
                                         gestisce gli account del personale (password da stdin)
  eval [--schede DIR] [--domande FILE.tsv] [--no-bank] [--json]
                                         valuta l'assistente su un file di domande
  backup-check FILE                      controlla una copia dei dati prima di ripristinarla
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run dispatches a command line and returns the exit code: 0 done, 1 the
// command found problems (bad schede, failed evaluation), 2 bad usage.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "serve":
		return runServe(ctx, args[1:], stdout, stderr)
	case "check":
		return runCheck(args[1:], stdout, stderr)
	case "ask":
		return runAsk(ctx, args[1:], stdout, stderr)
	case "eval":
		return runEval(ctx, args[1:], stdout, stderr)
	case "users":
		return runUsers(ctx, args[1:], stdin, stdout, stderr)
	case "hours":
		return runHours(args[1:], stdout, stderr, time.Now)
	case "backup-check":
		return runBackupCheck(args[1:], stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "comando sconosciuto %q\n\n%s", args[0], usage)
	return 2
}
