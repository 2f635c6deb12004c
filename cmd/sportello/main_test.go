package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestMainServesDemoAndClosesCleanly(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Addr = "127.0.0.1:0"
	cfg.Data = t.TempDir()
	var logs bytes.Buffer
	m := NewMain(cfg, &logs)
	start := time.Now()
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Logf("ready in %v", time.Since(start))
	resp, err := http.Get("http://" + m.Addr() + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	var h struct {
		Status string
		Schede int
	}
	json.NewDecoder(resp.Body).Decode(&h)
	resp.Body.Close()
	if h.Status != "ok" || h.Schede < 30 {
		t.Errorf("healthz: %+v", h)
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logs.String(), "sportello ready") {
		t.Errorf("no ready log line: %s", logs.String())
	}
}

func TestConfigFileAndEnvironment(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "sportello.yaml")
	os.WriteFile(file, []byte("addr: \":9000\"\ncomune:\n  name: Comune di Prova\n  portal_origins: [\"https://www.prova.example.it\"]\n"), 0o644)
	env := map[string]string{"SPORTELLO_DATA": "/srv/sportello", "SPORTELLO_ADDR": ":9100"}
	cfg, err := LoadConfig(file, func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct{ name, got, want string }{
		{"env overrides file", cfg.Addr, ":9100"},
		{"env sets data", cfg.Data, "/srv/sportello"},
		{"file sets comune", cfg.Comune.Name, "Comune di Prova"},
		{"default kept", cfg.Comune.Widget.Color, "#0066CC"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s: got %q, want %q", c.name, c.got, c.want)
		}
	}
	if !cfg.Comune.QuestionBank {
		t.Error("the question bank is off by default")
	}
	env["SPORTELLO_QUESTION_BANK"] = "false"
	if cfg, err := LoadConfig(file, func(k string) string { return env[k] }); err != nil || cfg.Comune.QuestionBank {
		t.Errorf("SPORTELLO_QUESTION_BANK=false: got %v, %v", cfg.Comune.QuestionBank, err)
	}
	env["SPORTELLO_QUESTION_BANK"] = "forse"
	if _, err := LoadConfig(file, func(k string) string { return env[k] }); err == nil || !strings.Contains(err.Error(), "SPORTELLO_QUESTION_BANK") {
		t.Errorf("SPORTELLO_QUESTION_BANK=forse: got %v, want an error naming it", err)
	}
	bad := []struct{ name, yaml, want string }{
		{"unknown key", "adrr: x\n", "adrr"},
		{"bad origin", "comune:\n  portal_origins: [www.x.it]\n", "portal_origins"},
		{"bad level", "log_level: loud\n", "log_level"},
		{"bad yaml", "addr: [\n", "non valida"},
		{"no chats per operator", "operators:\n  max_chats: 0\n", "max_chats"},
		{"bad SMTP scheme", "mail:\n  smtp: http://mail.example.it\n", "SPORTELLO_SMTP"},
		{"plain SMTP to another machine", "mail:\n  smtp: smtp://mail.example.it:25?tls=off\n", "stessa macchina"},
		{"bad sender", "mail:\n  from: urp\n", "mail.from"},
		{"bad ticket prefix", "tickets:\n  prefix: urp-\n", "tickets.prefix"},
		{"bad public URL", "comune:\n  public_url: sportello.example.it\n", "public_url"},
		{"bad portal URL", "comune:\n  portal_url: ftp://www.example.it\n", "portal_url"},
		{"script as the privacy page", "comune:\n  widget:\n    privacy_url: javascript:alert(1)\n", "widget.privacy_url"},
		{"a colour by name", "comune:\n  widget:\n    color: rosso\n", "widget.color"},
		{"no copy kept", "backup:\n  keep: 0\n", "keep almeno 1"},
		{"a mistyped backup key", "backup:\n  evry_hours: 12\n", `forse intendevi "every_hours"`},
	}
	for _, b := range bad {
		os.WriteFile(file, []byte(b.yaml), 0o644)
		if _, err := LoadConfig(file, func(string) string { return "" }); err == nil || !strings.Contains(err.Error(), b.want) {
			t.Errorf("%s: got %v, want error mentioning %q", b.name, err, b.want)
		}
	}
}

// buildBinary compiles the real sportello binary once per test run.
func buildBinary(t *testing.T) string { return buildBinaryB(t) }

func buildBinaryB(t testing.TB) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "sportello")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	return bin
}

// startBinary runs `sportello serve` on a free port and waits for it.
func startBinary(t *testing.T, bin, data string, env ...string) (*exec.Cmd, string) {
	return startBinaryB(t, bin, data, env...)
}

func startBinaryB(t testing.TB, bin, data string, env ...string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(bin, "serve")
	cmd.Env = append(append(os.Environ(), "SPORTELLO_ADDR=127.0.0.1:0", "SPORTELLO_DATA="+data), env...)
	out, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	addr := make(chan string, 1)
	go func() {
		dec := json.NewDecoder(out)
		for {
			var line map[string]any
			if err := dec.Decode(&line); err != nil {
				return
			}
			if line["msg"] == "sportello ready" {
				addr <- line["addr"].(string)
			}
		}
	}()
	select {
	case a := <-addr:
		return cmd, a
	case <-time.After(20 * time.Second):
		cmd.Process.Kill()
		t.Fatal("server did not start")
	}
	return nil, ""
}

func TestAcknowledgedMessagesSurviveKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := buildBinary(t)
	data := t.TempDir()
	cmd, addr := startBinary(t, bin, data)
	base := "http://" + addr + "/api/v1/conversations"
	post := func(url, token, body string) (int, []byte) {
		req, _ := http.NewRequest("POST", url, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, nil
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, b
	}
	_, b := post(base, "", "")
	var c struct{ ID, Token string }
	json.Unmarshal(b, &c)
	acked := 0
	for i := 0; i < 8; i++ {
		if code, _ := post(base+"/"+c.ID+"/messages", c.Token, fmt.Sprintf(`{"text": "domanda numero %d sulla tari"}`, i)); code == 201 {
			acked++
		}
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	cmd, addr = startBinary(t, bin, data)
	defer func() { cmd.Process.Signal(syscall.SIGTERM); cmd.Wait() }()
	req, _ := http.NewRequest("GET", "http://"+addr+"/api/v1/conversations/"+c.ID+"/messages", nil)
	req.Header.Set("Authorization", "Bearer "+c.Token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var list struct {
		Messages []struct {
			Role string
			Text string
		}
	}
	json.NewDecoder(resp.Body).Decode(&list)
	resp.Body.Close()
	// Each question has its answer; a hand-over may add a system message.
	citizen, assistant := 0, 0
	for _, m := range list.Messages {
		switch m.Role {
		case "citizen":
			citizen++
		case "assistant":
			assistant++
		}
	}
	if acked != 8 || citizen != acked || assistant != acked {
		t.Fatalf("acknowledged %d, after kill -9 found %d citizen messages and %d answers", acked, citizen, assistant)
	}
}

func TestSIGTERMShutsDownCleanly(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := buildBinary(t)
	cmd, _ := startBinary(t, bin, t.TempDir())
	cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v", err)
		}
	case <-time.After(15 * time.Second):
		cmd.Process.Kill()
		t.Fatal("no exit after SIGTERM")
	}
}

func TestConfigFileProblemsAreAllToldInItalian(t *testing.T) {
	file := filepath.Join(t.TempDir(), "sportello.yaml")
	src := `comune:
  nmae: Comune di Prova
  widget:
    color: blu
  hours:
    settimana:
      lun: "08:00-13:00"
port: 80
tickets:
  due_days: due
trust_proxy: forse
operators:
  maxchats: 3
  queue_timeout_seconds: 0
`
	os.WriteFile(file, []byte(src), 0o644)
	_, err := LoadConfig(file, func(string) string { return "" })
	if err == nil {
		t.Fatal("a file with eight problems was accepted")
	}
	got := err.Error()
	for _, want := range []string{
		"configurazione " + file + " non valida:\n",
		`- riga 2: chiave sconosciuta "nmae" in comune: forse intendevi "name"?`,
		`- riga 7: qui va un elenco, ad esempio ["08:00-13:00", "14:30-18:00"], non "08:00-13:00"`,
		`- riga 8: chiave sconosciuta "port" al primo livello (chiavi ammesse: addr, data,`,
		`- riga 10: qui va un numero intero, non "due"`,
		`- riga 11: qui va true o false, non "forse"`,
		`- riga 13: chiave sconosciuta "maxchats" in operators: forse intendevi "max_chats"?`,
		"- operators: max_chats, queue_timeout_seconds e presence_timeout_seconds devono essere numeri positivi",
		`- widget.color "blu" non è un colore come #0066CC`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the message lacks %q:\n%s", want, got)
		}
	}
	for _, english := range []string{"not found", "unmarshal", "main.", "!!str"} {
		if strings.Contains(got, english) {
			t.Errorf("the message still says %q:\n%s", english, got)
		}
	}

	os.WriteFile(file, []byte("addr: \":0\"\n  data: x\n"), 0o644)
	if _, err := LoadConfig(file, func(string) string { return "" }); err == nil || !strings.Contains(err.Error(), "YAML non valido") || !strings.Contains(err.Error(), "riga ") {
		t.Errorf("a file that is not YAML: got %v, want the line and \"YAML non valido\"", err)
	}
}
