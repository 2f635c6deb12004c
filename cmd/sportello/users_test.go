package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sportello/sportello/handoff"
)

func TestUsersCommand(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "sportello.yaml")
	if err := os.WriteFile(cfg, []byte("data: "+filepath.Join(dir, "data")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	users := func(stdin string, args ...string) (int, string, string) {
		var out, errb bytes.Buffer
		code := run(context.Background(), append([]string{"users"}, append(args[:1:1], append([]string{"--config", cfg}, args[1:]...)...)...), strings.NewReader(stdin), &out, &errb)
		return code, out.String(), errb.String()
	}
	tests := []struct {
		name      string
		stdin     string
		args      []string
		wantCode  int
		wantInOut string
	}{
		{"adds an admin", "password-amministratore\n", []string{"add", "--role", "admin", "capo"}, 0, "creato"},
		{"adds an operator with a display name", "password-operatore\r\n", []string{"add", "--name", "Mario Rossi", "mario"}, 0, "creato"},
		{"refuses a taken name", "password-operatore\n", []string{"add", "mario"}, 1, "esiste già"},
		{"refuses a short password", "corta\n", []string{"add", "luca"}, 1, "almeno 10 caratteri"},
		{"refuses an empty password", "", []string{"add", "luca"}, 1, "prima riga"},
		{"refuses an unknown role", "password-operatore\n", []string{"add", "--role", "capo", "luca"}, 1, "non valido"},
		{"lists the accounts", "", []string{"list"}, 0, "mario  operatore  attivo  Mario Rossi"},
		{"changes a password", "nuova-password-mario\n", []string{"passwd", "mario"}, 0, "nuova password"},
		{"disables an account", "", []string{"disable", "mario"}, 0, "disabilitato"},
		{"keeps the last admin", "", []string{"delete", "capo"}, 1, "almeno un amministratore"},
		{"needs a name", "", []string{"disable"}, 2, "uso:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := users(tt.stdin, tt.args...)
			if code != tt.wantCode || !strings.Contains(out+errs, tt.wantInOut) {
				t.Errorf("exit %d (want %d), output %q %q, want it to contain %q", code, tt.wantCode, out, errs, tt.wantInOut)
			}
		})
	}
	store, err := handoff.Open(filepath.Join(dir, "data", "sportello.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	acc := handoff.NewAccounts(store)
	if err := acc.SetDisabled(context.Background(), "mario", false); err != nil {
		t.Fatal(err)
	}
	if _, _, err := acc.Login(context.Background(), "mario", "nuova-password-mario"); err != nil {
		t.Errorf("the password set by `users passwd` does not sign in: %v", err)
	}
}
