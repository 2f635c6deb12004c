package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/sportello/sportello"
	"github.com/sportello/sportello/handoff"
)

const usersUsage = `uso:
  sportello users add [--config FILE] [--role operatore|redattore|admin] [--name "Nome Cognome"] NOME   (password da stdin)
  sportello users passwd [--config FILE] NOME                                                            (password da stdin)
  sportello users list [--config FILE]
  sportello users disable|enable|delete [--config FILE] NOME
`

// runUsers manages staff accounts from the command line, on the data
// folder of the configuration. The server must be stopped (bbolt allows
// one process); while it runs, admins use the Account page.
func runUsers(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usersUsage)
		return 2
	}
	cmd := args[0]
	fs := flag.NewFlagSet("users "+cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	file := fs.String("config", "", "file di configurazione YAML (o SPORTELLO_CONFIG)")
	role := fs.String("role", "operatore", "ruolo: operatore, redattore o admin")
	display := fs.String("name", "", "nome visualizzato, quello che vede il cittadino")
	if err := fs.Parse(args[1:]); err != nil {
		fmt.Fprint(stderr, usersUsage)
		return 2
	}
	wantArgs := 1
	if cmd == "list" {
		wantArgs = 0
	}
	if fs.NArg() != wantArgs {
		fmt.Fprint(stderr, usersUsage)
		return 2
	}
	name := fs.Arg(0)
	cfg, err := LoadConfig(*file, os.Getenv)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	if err := os.MkdirAll(cfg.Data, 0o750); err != nil {
		fmt.Fprintf(stderr, "impossibile creare la cartella dei dati: %v\n", err)
		return 1
	}
	store, err := handoff.Open(filepath.Join(cfg.Data, "sportello.db"))
	if err != nil {
		fmt.Fprintf(stderr, "impossibile aprire i dati in %s: se il server è avviato, fermalo oppure usa la pagina Account della console (%v)\n", cfg.Data, err)
		return 1
	}
	defer store.Close()
	acc := handoff.NewAccounts(store)
	switch cmd {
	case "add", "passwd":
		pw, err := readPassword(stdin)
		if err == nil && cmd == "add" {
			var r handoff.StaffRole
			if r, err = handoff.ParseStaffRole(*role); err == nil {
				_, err = acc.AddUser(ctx, name, *display, r, pw)
			}
		} else if err == nil {
			err = acc.SetPassword(ctx, name, pw)
		}
		if err != nil {
			return fail(stderr, err)
		}
		fmt.Fprintf(stdout, "fatto: account %s %s\n", name, map[string]string{"add": "creato", "passwd": "con la nuova password"}[cmd])
	case "disable", "enable":
		if err := acc.SetDisabled(ctx, name, cmd == "disable"); err != nil {
			return fail(stderr, err)
		}
		fmt.Fprintf(stdout, "fatto: account %s %s\n", name, map[string]string{"disable": "disabilitato", "enable": "riabilitato"}[cmd])
	case "delete":
		if err := acc.DeleteUser(ctx, name); err != nil {
			return fail(stderr, err)
		}
		fmt.Fprintf(stdout, "fatto: account %s eliminato\n", name)
	case "list":
		users, err := acc.Users(ctx)
		if err != nil {
			return fail(stderr, err)
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "NOME\tRUOLO\tSTATO\tNOME VISUALIZZATO")
		for _, u := range users {
			state := "attivo"
			switch {
			case u.Disabled:
				state = "disabilitato"
			case u.LockedUntil.After(time.Now()):
				state = "bloccato fino alle " + u.LockedUntil.In(handoff.Rome()).Format("15:04")
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", u.Name, u.Role, state, u.DisplayName)
		}
		tw.Flush()
	default:
		fmt.Fprintf(stderr, "sottocomando sconosciuto %q\n%s", cmd, usersUsage)
		return 2
	}
	return 0
}

// readPassword takes the first line of stdin, so that scripts can pipe
// it and it never shows in the process list.
func readPassword(r io.Reader) (string, error) {
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("lettura della password: %w", err)
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", sportello.Errorf(sportello.EINVALID, "Scrivi la password sulla prima riga dell'input (ad esempio: echo 'password' | sportello users add NOME).")
	}
	return line, nil
}

func fail(stderr io.Writer, err error) int {
	if sportello.ErrorCode(err) == sportello.EINTERNAL {
		fmt.Fprintln(stderr, "errore:", err)
		return 1
	}
	fmt.Fprintln(stderr, "errore:", sportello.ErrorMessage(err))
	return 1
}
