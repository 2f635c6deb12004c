package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sportello/sportello/internal/smtptest"
)

// TestEmailsSurviveOutagesAndKill9 runs the real binary against a real
// SMTP server: a confirmation enqueued while the server is down waits,
// survives a kill -9, and is delivered exactly once after the restart;
// another waits through an outage and goes out once the server is back.
func TestEmailsSurviveOutagesAndKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	smtp := smtptest.Start(t, "", false)
	smtp.Stop() // the mail server is down from the start
	dir := t.TempDir()
	cfg := filepath.Join(dir, "sportello.yaml")
	yaml := fmt.Sprintf("mail:\n  smtp: \"smtp://%s?tls=off\"\n  from: urp@comune.valdoria.example.it\n  retry_seconds: 1\ncomune:\n  public_url: https://sportello.valdoria.example.it\n", smtp.Addr)
	if err := os.WriteFile(cfg, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	bin := buildBinary(t)
	data := filepath.Join(dir, "data")
	cmd, addr := startBinary(t, bin, data, "SPORTELLO_CONFIG="+cfg)
	ticket := func(addr, email string) string {
		t.Helper()
		resp, err := http.Post("http://"+addr+"/api/v1/conversations", "application/json", nil)
		if err != nil {
			t.Fatal(err)
		}
		var c struct{ ID, Token string }
		json.NewDecoder(resp.Body).Decode(&c)
		resp.Body.Close()
		body := fmt.Sprintf(`{"first_name":"Maria","last_name":"Bianchi","email":%q,"text":"Quando passa la raccolta del vetro?","consent":true}`, email)
		req, _ := http.NewRequest("POST", "http://"+addr+"/api/v1/conversations/"+c.ID+"/ticket", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+c.Token)
		resp, err = http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out struct{ Number string }
		json.NewDecoder(resp.Body).Decode(&out)
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("ticket: %d", resp.StatusCode)
		}
		return out.Number
	}
	first := ticket(addr, "maria.bianchi@example.it")
	time.Sleep(1500 * time.Millisecond) // it tries, and fails
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()

	smtp.Restart(t)
	cmd, addr = startBinary(t, bin, data, "SPORTELLO_CONFIG="+cfg)
	defer func() { cmd.Process.Signal(syscall.SIGTERM); cmd.Wait() }()
	msgs := smtp.Wait(t, 1, 10*time.Second)
	m := msgs[0]
	if strings.Join(m.To, ",") != "maria.bianchi@example.it" || m.From != "urp@comune.valdoria.example.it" {
		t.Errorf("envelope %s → %v", m.From, m.To)
	}
	if subj := decodeHeader(m.Header.Get("Subject")); !strings.Contains(subj, first) || !strings.Contains(subj, "ricevuta") {
		t.Errorf("subject %q", subj)
	}
	if id := m.Header.Get("Message-Id"); !regexp.MustCompile(`^<urp-\d{4}-000001\.ricevuta\.[\w-]+@comune\.valdoria\.example\.it>$`).MatchString(id) {
		t.Errorf("Message-ID %q", id)
	}
	if body := decodeQP(m.Body); !strings.Contains(body, "https://sportello.valdoria.example.it/richieste/") || !strings.Contains(body, "raccolta del vetro") {
		t.Errorf("body %q", body)
	}

	t.Run("an outage: the email waits, then goes out once", func(t *testing.T) {
		// Let the server's "250 OK" for the first email reach the client:
		// a server that stores a message and dies before answering forces
		// a resend (same Message-ID); that is SMTP, not what is tested here.
		time.Sleep(time.Second)
		smtp.Stop()
		second := ticket(addr, "luca.verdi@example.it")
		time.Sleep(2500 * time.Millisecond)
		smtp.Restart(t)
		msgs := smtp.Wait(t, 2, 20*time.Second)
		time.Sleep(1500 * time.Millisecond)
		if all := smtp.Messages(); len(all) != 2 {
			for _, m := range all {
				t.Logf("%s %s %v %s", m.Header.Get("Message-Id"), m.Header.Get("Date"), m.To, decodeHeader(m.Header.Get("Subject")))
			}
			t.Fatalf("%d messages, want 2: nothing may go twice", len(all))
		}
		if subj := decodeHeader(msgs[1].Header.Get("Subject")); !strings.Contains(subj, second) || msgs[1].To[0] != "luca.verdi@example.it" {
			t.Errorf("second email: %q to %v", subj, msgs[1].To)
		}
	})
}
