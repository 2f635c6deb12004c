package handoff

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/sportello/sportello"
)

func newAccounts(t *testing.T) (*Accounts, *fakeClock) {
	t.Helper()
	s, _ := openStore(t)
	clk := &fakeClock{t: tuesdayMorning}
	s.Now = clk.Now
	return NewAccounts(s), clk
}

func TestAddUser(t *testing.T) {
	a, _ := newAccounts(t)
	ctx := context.Background()
	if _, err := a.AddUser(ctx, "mario", "Mario Rossi", StaffOperatore, "una-password-lunga"); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, user, display string
		role                StaffRole
		password            string
		want                string
	}{
		{"a taken name", "mario", "", StaffOperatore, "una-password-lunga", sportello.ECONFLICT},
		{"a name with capitals", "Mario2", "", StaffOperatore, "una-password-lunga", sportello.EINVALID},
		{"a one-letter name", "m", "", StaffOperatore, "una-password-lunga", sportello.EINVALID},
		{"a short password", "luca", "", StaffOperatore, "corta", sportello.EINVALID},
		{"an unknown role", "luca", "", StaffRole("capo"), "una-password-lunga", sportello.EINVALID},
		{"markup in the display name", "luca", "<b>Luca</b>", StaffOperatore, "una-password-lunga", sportello.EINVALID},
		{"a good one", "luca.bianchi", "Luca", StaffRedattore, "una-password-lunga", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := a.AddUser(ctx, tt.user, tt.display, tt.role, tt.password)
			if got := sportello.ErrorCode(err); got != tt.want {
				t.Errorf("code = %q, want %q (%v)", got, tt.want, err)
			}
		})
	}
	u, err := a.User(ctx, "mario")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(u.PasswordHash, "$argon2id$v=19$m=19456,t=2,p=1$") || strings.Contains(u.PasswordHash, "una-password-lunga") {
		t.Errorf("stored hash = %q, want argon2id in PHC form", u.PasswordHash)
	}
}

func TestLoginAndLockOut(t *testing.T) {
	a, clk := newAccounts(t)
	ctx := context.Background()
	a.AddUser(ctx, "mario", "", StaffOperatore, "una-password-lunga")
	_, _, errUnknown := a.Login(ctx, "nessuno", "una-password-lunga")
	_, _, errWrong := a.Login(ctx, "mario", "sbagliata-123")
	if sportello.ErrorCode(errWrong) != sportello.EUNAUTHORIZED || sportello.ErrorMessage(errUnknown) != sportello.ErrorMessage(errWrong) {
		t.Errorf("unknown user %v and wrong password %v must look the same", errUnknown, errWrong)
	}
	if _, tok, err := a.Login(ctx, "mario", "una-password-lunga"); err != nil || tok == "" {
		t.Fatalf("right password: %v", err)
	}
	for range 5 {
		a.Login(ctx, "mario", "sbagliata-123")
	}
	_, _, err := a.Login(ctx, "mario", "una-password-lunga")
	if sportello.ErrorCode(err) != sportello.ERATELIMIT || !strings.Contains(sportello.ErrorMessage(err), "bloccato fino alle 10:15") {
		t.Errorf("after 5 failures the right password gives %v, want locked until 10:15", err)
	}
	clk.Add(16 * time.Minute)
	if _, _, err := a.Login(ctx, "mario", "una-password-lunga"); err != nil {
		t.Errorf("after the lock-out: %v", err)
	}
	t.Run("a disabled account cannot sign in", func(t *testing.T) {
		a.AddUser(ctx, "capo", "", StaffAdmin, "una-password-lunga")
		if err := a.SetDisabled(ctx, "mario", true); err != nil {
			t.Fatal(err)
		}
		if _, _, err := a.Login(ctx, "mario", "una-password-lunga"); sportello.ErrorCode(err) != sportello.EUNAUTHORIZED {
			t.Errorf("disabled: %v", err)
		}
	})
}

func TestSessions(t *testing.T) {
	a, clk := newAccounts(t)
	ctx := context.Background()
	a.AddUser(ctx, "capo", "", StaffAdmin, "una-password-lunga")
	a.AddUser(ctx, "mario", "", StaffOperatore, "una-password-lunga")
	login := func() string {
		t.Helper()
		_, tok, err := a.Login(ctx, "mario", "una-password-lunga")
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	valid := func(tok string) bool { _, _, err := a.Session(ctx, tok); return err == nil }

	tok := login()
	sess, u, err := a.Session(ctx, tok)
	if err != nil || u.Name != "mario" || sess.CSRF == "" {
		t.Fatalf("session = %+v %+v %v", sess, u, err)
	}
	t.Run("role changes apply to open sessions", func(t *testing.T) {
		a.SetRole(ctx, "mario", StaffRedattore)
		if _, u, _ := a.Session(ctx, tok); u.Role != StaffRedattore {
			t.Errorf("role = %q", u.Role)
		}
		a.SetRole(ctx, "mario", StaffOperatore)
	})
	t.Run("idle for 8 hours ends it", func(t *testing.T) {
		tok := login()
		clk.Add(7 * time.Hour)
		if !valid(tok) {
			t.Fatal("ended after 7 idle hours")
		}
		clk.Add(8*time.Hour + time.Minute)
		if valid(tok) {
			t.Error("still open after 8 idle hours")
		}
	})
	t.Run("12 hours in all end it even in use", func(t *testing.T) {
		tok := login()
		for range 13 {
			clk.Add(time.Hour)
			valid(tok)
		}
		if valid(tok) {
			t.Error("still open after 13 hours")
		}
	})
	t.Run("logout", func(t *testing.T) {
		tok := login()
		a.Logout(ctx, tok)
		if valid(tok) {
			t.Error("open after logout")
		}
	})
	t.Run("a new password closes the other sessions", func(t *testing.T) {
		tok := login()
		a.SetPassword(ctx, "mario", "un-altra-password")
		if valid(tok) {
			t.Error("open after a password change")
		}
	})
	t.Run("disabling closes the sessions", func(t *testing.T) {
		a.SetPassword(ctx, "mario", "una-password-lunga")
		tok := login()
		a.SetDisabled(ctx, "mario", true)
		if valid(tok) {
			t.Error("open after disabling")
		}
	})
	t.Run("a made-up token opens nothing", func(t *testing.T) {
		if valid("") || valid("nonesiste") {
			t.Error("a made-up token was accepted")
		}
	})
}

func TestLastAdminStays(t *testing.T) {
	a, _ := newAccounts(t)
	ctx := context.Background()
	a.AddUser(ctx, "capo", "", StaffAdmin, "una-password-lunga")
	a.AddUser(ctx, "mario", "", StaffOperatore, "una-password-lunga")
	for name, err := range map[string]error{
		"disable": a.SetDisabled(ctx, "capo", true),
		"demote":  a.SetRole(ctx, "capo", StaffOperatore),
		"delete":  a.DeleteUser(ctx, "capo"),
	} {
		if sportello.ErrorCode(err) != sportello.ECONFLICT {
			t.Errorf("%s the last admin: %v", name, err)
		}
	}
	a.AddUser(ctx, "vice", "", StaffAdmin, "una-password-lunga")
	if err := a.DeleteUser(ctx, "capo"); err != nil {
		t.Errorf("with another admin: %v", err)
	}
}

func TestEnsureAdminOnce(t *testing.T) {
	a, _ := newAccounts(t)
	ctx := context.Background()
	pw, err := a.EnsureAdmin(ctx)
	if err != nil || len(pw) < 16 {
		t.Fatalf("first start: %q %v", pw, err)
	}
	if _, _, err := a.Login(ctx, "admin", pw); err != nil {
		t.Fatal(err)
	}
	if u, _ := a.User(ctx, "admin"); !u.MustChange {
		t.Error("the one-time password need not be changed")
	}
	if again, err := a.EnsureAdmin(ctx); err != nil || again != "" {
		t.Errorf("second start printed a password again: %q %v", again, err)
	}
}
