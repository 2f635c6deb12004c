package main

import (
	"fmt"
	"io"

	"github.com/sportello/sportello/handoff"
)

// runBackupCheck tells whether a copy of the data can be restored, and
// what it holds, before IT puts it in place of sportello.db.
func runBackupCheck(args []string, stdout, stderr io.Writer) int {
	if len(args) != 1 {
		fmt.Fprintln(stderr, "uso: sportello backup-check FILE")
		return 2
	}
	sum, err := handoff.VerifyBackup(args[0])
	if err != nil {
		fmt.Fprintf(stderr, "la copia %s non è utilizzabile: %v\n", args[0], err)
		return 1
	}
	fmt.Fprintf(stdout, "copia valida: %d conversazioni, %d richieste scritte, %d account\n", sum.Conversations, sum.Tickets, sum.Accounts)
	if !sum.Newest.IsZero() {
		fmt.Fprintf(stdout, "ultima conversazione: %s\n", handoff.ItalianDate(sum.Newest.In(handoff.Rome())))
	}
	return 0
}
