package mailer

import (
	"context"
	"crypto/tls"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sportello/sportello/handoff"
	"github.com/sportello/sportello/internal/smtptest"
)

func email() handoff.Email {
	return handoff.Email{ID: 7, MessageID: "<urp-2026-000001.ricevuta.abc@sportello.test>", To: "mario.rossi@example.it", ToName: "Mario Rossì",
		Subject: "Richiesta URP-2026-000001 ricevuta - Comune di Valdoria", Body: "Gentile Mario,\n\nabbiamo ricevuto la richiesta: perché è così.\n", Ticket: "URP-2026-000001"}
}

func TestParseURL(t *testing.T) {
	tests := []struct {
		raw      string
		wantErr  string
		wantPort int
		implicit bool
		noTLS    bool
	}{
		{"smtp://user:pass@mail.example.it", "", 587, false, false},
		{"smtps://user:pass@mail.example.it", "", 465, true, false},
		{"smtp://mail.example.it:2525", "", 2525, false, false},
		{"smtp://127.0.0.1:25?tls=off", "", 25, false, true},
		{"smtp://mail.example.it:25?tls=off", "stessa macchina", 0, false, false},
		{"http://mail.example.it", "schema", 0, false, false},
		{"smtp://mail.example.it:99999", "porta", 0, false, false},
		{"nonsense", "non è un indirizzo", 0, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			s, err := ParseURL(tt.raw, "urp@comune.example.it", "URP")
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || s.Port != tt.wantPort || s.Implicit != tt.implicit || s.NoTLS != tt.noTLS {
				t.Errorf("got %+v %v", s, err)
			}
		})
	}
	if _, err := ParseURL("smtp://u:segreta@mail.example.it:x", "a@b.it", ""); err == nil || strings.Contains(err.Error(), "segreta") {
		t.Errorf("the password leaks into the error: %v", err)
	}
}

func TestSMTPWithSTARTTLSAndPassword(t *testing.T) {
	srv := smtptest.Start(t, "", true)
	srv.Username, srv.Password = "urp", "segreta"
	s, err := ParseURL("smtp://urp:segreta@"+srv.Addr, "urp@comune.example.it", "Comune di Valdoria")
	if err != nil {
		t.Fatal(err)
	}
	t.Run("an unknown certificate is refused", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := s.Send(ctx, email()); err == nil {
			t.Fatal("sent over TLS to a server whose certificate nobody trusts")
		}
	})
	s.TLSConfig = &tls.Config{RootCAs: srv.CertPool, ServerName: "127.0.0.1"}
	if err := s.Send(context.Background(), email()); err != nil {
		t.Fatal(err)
	}
	m := srv.Wait(t, 1, 5*time.Second)[0]
	got := []string{m.From, strings.Join(m.To, ","), m.Header.Get("Message-Id"), m.Header.Get("Precedence")}
	want := []string{"urp@comune.example.it", "mario.rossi@example.it", "<urp-2026-000001.ricevuta.abc@sportello.test>", "bulk"}
	for i := range got {
		if got[i] != want[i] {
			t.Errorf("got %q, want %q", got[i], want[i])
		}
	}
	if subj, _ := new(mimeDecoder).decode(m.Header.Get("Subject")); subj != email().Subject {
		t.Errorf("subject = %q", subj)
	}
	if !strings.Contains(decodeQP(m.Body), "perché è così") {
		t.Errorf("body = %q", m.Body)
	}
}

func TestSMTPWrongPasswordFails(t *testing.T) {
	srv := smtptest.Start(t, "", false)
	srv.Username, srv.Password = "urp", "segreta"
	s, _ := ParseURL("smtp://urp:sbagliata@"+srv.Addr+"?tls=off", "urp@comune.example.it", "")
	if err := s.Send(context.Background(), email()); err == nil {
		t.Error("sent with a wrong password")
	}
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("%d messages accepted", n)
	}
}

func TestDirWritesEML(t *testing.T) {
	d := &Dir{Path: filepath.Join(t.TempDir(), "email"), From: "urp@comune.example.it", FromName: "URP"}
	for range 2 { // a resend overwrites
		if err := d.Send(context.Background(), email()); err != nil {
			t.Fatal(err)
		}
	}
	files, _ := filepath.Glob(filepath.Join(d.Path, "*.eml"))
	if len(files) != 1 || filepath.Base(files[0]) != "000007-urp-2026-000001.eml" {
		t.Fatalf("files = %v", files)
	}
	b, _ := os.ReadFile(files[0])
	if !strings.Contains(string(b), "Message-ID: <urp-2026-000001.ricevuta.abc@sportello.test>") || !strings.Contains(string(b), "To: ") {
		t.Errorf("eml = %s", b)
	}
}
