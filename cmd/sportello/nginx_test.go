package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// TestBehindNginx runs the real program behind a real nginx with the
// configuration of deploy/nginx-sportello.conf, as the README tells a
// comune's IT to install it.
func TestBehindNginx(t *testing.T) {
	if testing.Short() {
		t.Skip("runs nginx")
	}
	bin, err := exec.LookPath("nginx")
	if err != nil {
		if _, e := os.Stat("/usr/sbin/nginx"); e != nil {
			t.Fatal("nginx not found: `make check` installs Debian's nginx package")
		}
		bin = "/usr/sbin/nginx"
	}
	cfg := DefaultConfig()
	cfg.Addr = "127.0.0.1:0"
	cfg.Data = t.TempDir()
	cfg.TrustProxy = true
	cfg.Limits.ConversationsPerIP = 3
	m := NewMain(cfg, io.Discard)
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })

	dir := t.TempDir()
	snippet, err := os.ReadFile(filepath.Join("..", "..", "deploy", "nginx-sportello.conf"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(snippet), "127.0.0.1:8080") {
		t.Fatal("deploy/nginx-sportello.conf no longer proxies to 127.0.0.1:8080")
	}
	os.WriteFile(filepath.Join(dir, "sportello.conf"), []byte(strings.ReplaceAll(string(snippet), "127.0.0.1:8080", m.Addr())), 0o644)
	port := freePort(t)
	conf := fmt.Sprintf(`daemon off;
master_process off;
pid %[1]s/nginx.pid;
error_log %[1]s/error.log;
events {}
http {
    access_log off;
    client_body_temp_path %[1]s/body;
    proxy_temp_path %[1]s/proxy;
    fastcgi_temp_path %[1]s/fastcgi;
    uwsgi_temp_path %[1]s/uwsgi;
    scgi_temp_path %[1]s/scgi;
    server {
        listen 127.0.0.1:%[2]d;
        include %[1]s/sportello.conf;
    }
}
`, dir, port)
	os.WriteFile(filepath.Join(dir, "nginx.conf"), []byte(conf), 0o644)
	cmd := exec.Command(bin, "-c", filepath.Join(dir, "nginx.conf"), "-p", dir, "-e", filepath.Join(dir, "error.log"))
	if out, err := exec.Command(bin, "-t", "-c", filepath.Join(dir, "nginx.conf"), "-p", dir, "-e", filepath.Join(dir, "error.log")).CombinedOutput(); err != nil {
		t.Fatalf("nginx -t refuses the configuration: %v\n%s", err, out)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := http.Get(base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				break
			}
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(dir, "error.log"))
			t.Fatalf("Sportello not reachable through nginx: %v\n%s", err, log)
		}
		time.Sleep(50 * time.Millisecond)
	}

	call := func(method, path, token, from, body string, out any) int {
		t.Helper()
		h := http.Header{}
		if from != "" {
			h.Set("X-Forwarded-For", from)
		}
		return apiCall(t, base, method, path, token, h, body, out)
	}

	t.Run("the metrics stay off the public address", func(t *testing.T) {
		if code := call("GET", "/metrics", "", "", "", nil); code != 404 {
			t.Errorf("/metrics through nginx: got %d, want 404", code)
		}
	})

	t.Run("a question answered, and live over the WebSocket", func(t *testing.T) {
		var c struct{ ID, Token string }
		if code := call("POST", "/api/v1/conversations", "", "198.51.100.1", "", &c); code != 201 {
			t.Fatalf("new conversation: got %d", code)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		ws, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(base, "http")+"/api/v1/conversations/"+c.ID+"/ws?token="+c.Token+"&after=0", nil)
		if err != nil {
			t.Fatalf("WebSocket through nginx: %v", err)
		}
		defer ws.CloseNow()
		if code := call("POST", "/api/v1/conversations/"+c.ID+"/messages", c.Token, "198.51.100.1", `{"text":"quanto costa la carta d'identità?"}`, nil); code != 201 {
			t.Fatalf("message: got %d", code)
		}
		for {
			_, data, err := ws.Read(ctx)
			if err != nil {
				t.Fatalf("no answer over the WebSocket: %v", err)
			}
			if strings.Contains(string(data), `"role":"assistant"`) && strings.Contains(string(data), "euro") {
				break
			}
		}
	})

	t.Run("each citizen has the rate limits to themselves", func(t *testing.T) {
		for i := range 3 {
			if code := call("POST", "/api/v1/conversations", "", "203.0.113.7", "", nil); code != 201 {
				t.Fatalf("conversation %d of the first citizen: got %d", i+1, code)
			}
		}
		if code := call("POST", "/api/v1/conversations", "", "203.0.113.7", "", nil); code != 429 {
			t.Errorf("the first citizen's fourth conversation in a minute: got %d, want 429", code)
		}
		if code := call("POST", "/api/v1/conversations", "", "203.0.113.8", "", nil); code != 201 {
			t.Errorf("another citizen behind the same nginx: got %d, want 201", code)
		}
	})
}

// freePort returns a port nobody listens on, for a server that takes a
// port number rather than a listener.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// apiCall makes a JSON request to the citizen API of a running server,
// decodes the answer into out when it is not nil, and returns the status.
func apiCall(t *testing.T, base, method, path, token string, header http.Header, body string, out any) int {
	t.Helper()
	req, _ := http.NewRequest(method, base+path, strings.NewReader(body))
	for k, v := range header {
		req.Header[k] = v
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if out != nil {
		json.NewDecoder(resp.Body).Decode(out)
	}
	return resp.StatusCode
}
