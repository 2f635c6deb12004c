package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestBackupsWhileServingAndTheRestoreTheREADMEDescribes(t *testing.T) {
	data := t.TempDir()
	start := func() *Main {
		t.Helper()
		cfg := DefaultConfig()
		cfg.Addr = "127.0.0.1:0"
		cfg.Data = data
		m := NewMain(cfg, io.Discard)
		if err := m.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		return m
	}
	m := start()
	base := "http://" + m.Addr()
	backupDir := filepath.Join(data, "backup")
	copies := func() []string {
		names, _ := filepath.Glob(filepath.Join(backupDir, "sportello-*.db"))
		return names
	}
	deadline := time.Now().Add(10 * time.Second)
	for len(copies()) == 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if len(copies()) != 1 {
		t.Fatalf("a fresh server made %d copies, want its first one at start", len(copies()))
	}

	call := func(method, path, token, body string, out any) int {
		t.Helper()
		return apiCall(t, base, method, path, token, nil, body, out)
	}
	var c struct{ ID, Token string }
	call("POST", "/api/v1/conversations", "", "", &c)
	if code := call("POST", "/api/v1/conversations/"+c.ID+"/messages", c.Token, `{"text":"quanto costa la carta d'identità?"}`, nil); code != 201 {
		t.Fatalf("message: got %d", code)
	}
	path, err := m.backup.Once()
	if err != nil {
		t.Fatal(err)
	}
	t.Run("backup-check tells a good copy from a damaged one", func(t *testing.T) {
		var out, errb bytes.Buffer
		if code := run(context.Background(), []string{"backup-check", path}, nil, &out, &errb); code != 0 || !strings.Contains(out.String(), "copia valida: 1 conversazioni, 0 richieste scritte") {
			t.Errorf("a good copy: exit %d, %q %q", code, out.String(), errb.String())
		}
		src, _ := os.ReadFile(path)
		for name, data := range map[string][]byte{"half a copy": src[:len(src)/2], "not a copy": []byte("non sono un database")} {
			bad := filepath.Join(t.TempDir(), "copia.db")
			os.WriteFile(bad, data, 0o600)
			out.Reset()
			errb.Reset()
			if code := run(context.Background(), []string{"backup-check", bad}, nil, &out, &errb); code != 1 || !strings.Contains(errb.String(), "non è utilizzabile") {
				t.Errorf("%s: exit %d, %q %q", name, code, out.String(), errb.String())
			}
		}
	})
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	metrics, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !regexp.MustCompile(`(?m)^sportello_backup_last_success_timestamp_seconds [1-9]`).Match(metrics) {
		t.Errorf("/metrics lacks the time of the last copy:\n%s", metrics)
	}
	m.Close()

	// The data file is lost: the newest copy takes its place.
	db := filepath.Join(data, "sportello.db")
	if err := os.Remove(db); err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(db, src, 0o600); err != nil {
		t.Fatal(err)
	}
	m = start()
	defer m.Close()
	base = "http://" + m.Addr()
	var list struct{ Messages []struct{ Role, Text string } }
	if code := call("GET", "/api/v1/conversations/"+c.ID+"/messages", c.Token, "", &list); code != 200 {
		t.Fatalf("the restored conversation: got %d", code)
	}
	var texts []string
	for _, msg := range list.Messages {
		texts = append(texts, msg.Role+": "+msg.Text)
	}
	if len(list.Messages) < 2 || list.Messages[0].Text != "quanto costa la carta d'identità?" || list.Messages[1].Role != "assistant" {
		t.Errorf("restored messages: %q, want the question and its answer", texts)
	}
}
