package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"

	"github.com/sportello/sportello/assistant"
	"github.com/sportello/sportello/demo"
	"github.com/sportello/sportello/handoff"
	"github.com/sportello/sportello/schede"
)

type testServer struct {
	*httptest.Server
	store *handoff.Store
	srv   *Server
}

func newTestServer(t testing.TB, opts Options) *testServer {
	t.Helper()
	return newTestServerWith(t, opts, nil)
}

// newTestServerWith lets a test set dependencies (the desk, accounts)
// before the server is built.
func newTestServerWith(t testing.TB, opts Options, with func(*Deps)) *testServer {
	t.Helper()
	store, err := handoff.Open(filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	set, _, err := schede.NewLoader(demo.Schede()).Load()
	if err != nil {
		t.Fatal(err)
	}
	a := assistant.New(assistant.Options{Comune: demo.Comune})
	if err := a.Load(set); err != nil {
		t.Fatal(err)
	}
	if opts.Comune == "" {
		opts.Comune = demo.Comune
	}
	deps := Deps{Store: store, Hub: handoff.NewHub(), Assistant: a, Cards: func() *schede.Set { return set },
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	if with != nil {
		with(&deps)
	}
	s, err := New(opts, deps)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(func() {
		s.Shutdown(context.Background())
		ts.Close()
		store.Close()
	})
	return &testServer{Server: ts, store: store, srv: s}
}

// call makes a JSON request and decodes the JSON answer into out (if not nil).
func (ts *testServer) call(t *testing.T, method, path, token string, body any, out any) *http.Response {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		j, _ := json.Marshal(b)
		rd = bytes.NewReader(j)
	}
	req, _ := http.NewRequest(method, ts.URL+path, rd)
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			t.Fatalf("%s %s: %d, bad JSON %q", method, path, resp.StatusCode, data)
		}
	}
	return resp
}

type conv struct {
	ID    string `json:"id"`
	Token string `json:"token"`
}

func (ts *testServer) newConversation(t *testing.T) conv {
	t.Helper()
	var c conv
	if resp := ts.call(t, "POST", "/api/v1/conversations", "", nil, &c); resp.StatusCode != http.StatusCreated {
		t.Fatalf("create conversation: %d", resp.StatusCode)
	}
	return c
}

type sendResponse struct {
	Message messageView  `json:"message"`
	Reply   *messageView `json:"reply"`
}

type replyData struct {
	Decision string `json:"decision"`
	Card     *struct {
		ID string `json:"id"`
	} `json:"card"`
	Section *struct {
		HTML string `json:"html"`
	} `json:"section"`
	Feedback *bool `json:"feedback"`
}

func TestAskOverHTTP(t *testing.T) {
	ts := newTestServer(t, Options{})
	c := ts.newConversation(t)
	var got sendResponse
	resp := ts.call(t, "POST", "/api/v1/conversations/"+c.ID+"/messages", c.Token, map[string]string{"text": "come si paga la tassa sui rifiuti?"}, &got)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("status %d", resp.StatusCode)
	}
	if got.Message.Seq != 1 || got.Message.Role != handoff.RoleCitizen || got.Reply == nil || got.Reply.Seq != 2 {
		t.Fatalf("got %+v", got)
	}
	var r replyData
	json.Unmarshal(got.Reply.Reply, &r)
	if r.Decision != "answer" || r.Card == nil || r.Card.ID != "tari-pagamento" || r.Section == nil || r.Section.HTML == "" {
		t.Fatalf("reply %s", got.Reply.Reply)
	}
	var list struct{ Messages []messageView }
	ts.call(t, "GET", "/api/v1/conversations/"+c.ID+"/messages?after=0", c.Token, nil, &list)
	if len(list.Messages) != 2 || list.Messages[0].Seq != 1 || list.Messages[1].Seq != 2 {
		t.Fatalf("messages: %+v", list.Messages)
	}
	ts.call(t, "GET", "/api/v1/conversations/"+c.ID+"/messages?after=1", c.Token, nil, &list)
	if len(list.Messages) != 1 || list.Messages[0].Seq != 2 {
		t.Fatalf("messages after 1: %+v", list.Messages)
	}
}

func TestTokenOpensOnlyItsConversation(t *testing.T) {
	ts := newTestServer(t, Options{})
	a, b := ts.newConversation(t), ts.newConversation(t)
	tests := []struct {
		name, id, token string
		want            int
	}{
		{"own token", a.ID, a.Token, http.StatusOK},
		{"other's token", a.ID, b.Token, http.StatusNotFound},
		{"bad token", a.ID, "x", http.StatusNotFound},
		{"unknown id", "c_nope", a.Token, http.StatusNotFound},
		{"no token", a.ID, "", http.StatusUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var body errorBody
			resp := ts.call(t, "GET", "/api/v1/conversations/"+tt.id+"/messages", tt.token, nil, &body)
			if resp.StatusCode != tt.want {
				t.Errorf("status: got %d, want %d", resp.StatusCode, tt.want)
			}
			if tt.want != http.StatusOK && body.Message == "" {
				t.Error("no Italian message in error")
			}
		})
	}
}

func TestRetriedSendIsStoredOnce(t *testing.T) {
	ts := newTestServer(t, Options{})
	c := ts.newConversation(t)
	body := map[string]string{"text": "orari dell'URP", "client_id": "f3b2a1"}
	var first, second sendResponse
	ts.call(t, "POST", "/api/v1/conversations/"+c.ID+"/messages", c.Token, body, &first)
	ts.call(t, "POST", "/api/v1/conversations/"+c.ID+"/messages", c.Token, body, &second)
	if first.Message.Seq != second.Message.Seq || first.Reply.Seq != second.Reply.Seq {
		t.Fatalf("retry stored again: %d/%d then %d/%d", first.Message.Seq, first.Reply.Seq, second.Message.Seq, second.Reply.Seq)
	}
	var list struct{ Messages []messageView }
	ts.call(t, "GET", "/api/v1/conversations/"+c.ID+"/messages", c.Token, nil, &list)
	if len(list.Messages) != 2 {
		t.Fatalf("got %d messages, want 2", len(list.Messages))
	}
}

func TestBadInputGetsItalian4xx(t *testing.T) {
	ts := newTestServer(t, Options{})
	c := ts.newConversation(t)
	path := "/api/v1/conversations/" + c.ID + "/messages"
	tests := []struct {
		name string
		body any
		want int
	}{
		{"empty text", `{"text": ""}`, 400},
		{"whitespace text", `{"text": "   "}`, 400},
		{"text over 2000 characters", map[string]string{"text": strings.Repeat("à", 2001)}, 400},
		{"invalid utf-8", []byte("{\"text\": \"tari \xff\"}"), 400},
		{"unknown field", `{"text": "tari", "colore": "rosso"}`, 400},
		{"not JSON", `text=tari`, 400},
		{"two objects", `{"text": "a"}{"text": "b"}`, 400},
		{"oversize body", map[string]string{"text": strings.Repeat("a", 20000)}, 413},
		{"bad client id", `{"text": "tari", "client_id": "<script>"}`, 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var body errorBody
			resp := ts.call(t, "POST", path, c.Token, tt.body, &body)
			if resp.StatusCode != tt.want {
				t.Errorf("status: got %d, want %d", resp.StatusCode, tt.want)
			}
			if body.Message == "" || body.Error == "" {
				t.Errorf("error body %+v", body)
			}
		})
	}
	var list struct{ Messages []messageView }
	ts.call(t, "GET", path, c.Token, nil, &list)
	if len(list.Messages) != 0 {
		t.Errorf("bad input was stored: %+v", list.Messages)
	}
}

func TestRateLimitPerConversation(t *testing.T) {
	ts := newTestServer(t, Options{MessagesPerMinuteConversation: 3})
	c := ts.newConversation(t)
	var last *http.Response
	var body errorBody
	for i := 0; i < 3; i++ {
		ts.call(t, "POST", "/api/v1/conversations/"+c.ID+"/messages", c.Token, map[string]string{"text": fmt.Sprintf("domanda %d", i)}, nil)
	}
	last = ts.call(t, "POST", "/api/v1/conversations/"+c.ID+"/messages", c.Token, map[string]string{"text": "domanda 3"}, &body)
	if last.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("4th message: got %d, want 429", last.StatusCode)
	}
	if last.Header.Get("Retry-After") == "" || body.Error != "rate_limited" || !strings.Contains(body.Message, "troppi messaggi") {
		t.Errorf("429 without Retry-After or message: %v %+v", last.Header, body)
	}
	other := ts.newConversation(t)
	if resp := ts.call(t, "POST", "/api/v1/conversations/"+other.ID+"/messages", other.Token, map[string]string{"text": "tari"}, nil); resp.StatusCode != http.StatusCreated {
		t.Errorf("another conversation is limited too: %d", resp.StatusCode)
	}
}

func TestFeedback(t *testing.T) {
	ts := newTestServer(t, Options{})
	c := ts.newConversation(t)
	var sent sendResponse
	ts.call(t, "POST", "/api/v1/conversations/"+c.ID+"/messages", c.Token, map[string]string{"text": "costo carta d'identità"}, &sent)
	path := "/api/v1/conversations/" + c.ID + "/feedback"
	if resp := ts.call(t, "POST", path, c.Token, map[string]any{"seq": sent.Reply.Seq, "useful": false}, nil); resp.StatusCode != 200 {
		t.Fatalf("feedback: %d", resp.StatusCode)
	}
	var list struct{ Messages []messageView }
	ts.call(t, "GET", "/api/v1/conversations/"+c.ID+"/messages?after=1", c.Token, nil, &list)
	var r replyData
	json.Unmarshal(list.Messages[0].Reply, &r)
	if r.Feedback == nil || *r.Feedback {
		t.Errorf("feedback not stored: %s", list.Messages[0].Reply)
	}
	for _, bad := range []any{map[string]any{"seq": 1, "useful": true}, map[string]any{"seq": 99, "useful": true}, map[string]any{"seq": sent.Reply.Seq}} {
		if resp := ts.call(t, "POST", path, c.Token, bad, nil); resp.StatusCode < 400 || resp.StatusCode >= 500 {
			t.Errorf("feedback %v: got %d, want 4xx", bad, resp.StatusCode)
		}
	}
}

func TestHeadersAndCORS(t *testing.T) {
	ts := newTestServer(t, Options{PortalOrigins: []string{"https://www.comune.example.it"}})
	req, _ := http.NewRequest("OPTIONS", ts.URL+"/api/v1/conversations", nil)
	req.Header.Set("Origin", "https://www.comune.example.it")
	req.Header.Set("Access-Control-Request-Method", "POST")
	resp, _ := http.DefaultClient.Do(req)
	if got := resp.Header.Get("Access-Control-Allow-Origin"); got != "https://www.comune.example.it" {
		t.Errorf("allowed origin: got %q", got)
	}
	req.Header.Set("Origin", "https://evil.example")
	resp, _ = http.DefaultClient.Do(req)
	if got := resp.Header.Get("Access-Control-Allow-Origin"); got != "" {
		t.Errorf("foreign origin allowed: %q", got)
	}
	resp = ts.call(t, "GET", "/healthz", "", nil, nil)
	for _, h := range []string{"X-Content-Type-Options", "Content-Security-Policy", "Referrer-Policy"} {
		if resp.Header.Get(h) == "" {
			t.Errorf("missing header %s", h)
		}
	}
}

func TestSitesNotInPortalOriginsAreLoggedOnceAnHour(t *testing.T) {
	var logs bytes.Buffer
	var mu sync.Mutex
	ts := newTestServerWith(t, Options{PortalOrigins: []string{"https://www.comune.example.it"}}, func(d *Deps) {
		d.Logger = slog.New(slog.NewJSONHandler(lockedWriter{&mu, &logs}, nil))
	})
	get := func(path string, header ...string) {
		req, _ := http.NewRequest("GET", ts.URL+path, nil)
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	get("/widget.js", "Referer", "https://www.comune.example.it/servizi")
	get("/api/v1/widget-config", "Origin", "https://www.comune.example.it")
	get("/widget.js", "Referer", ts.URL+"/")
	get("/api/v1/widget-config", "Origin", ts.URL)
	get("/widget.js")
	mu.Lock()
	quiet := logs.String()
	mu.Unlock()
	if strings.Contains(quiet, "portal_origins") {
		t.Fatalf("an allowed site, Sportello's own page or no page at all was logged as refused:\n%s", quiet)
	}
	for range 3 {
		get("/widget.js", "Referer", "https://www.altro-sito.example.it/pagina")
		get("/api/v1/widget-config", "Origin", "https://www.altro-sito.example.it")
	}
	mu.Lock()
	got := logs.String()
	mu.Unlock()
	if n := strings.Count(got, "not in portal_origins"); n != 1 {
		t.Errorf("a refused site was logged %d times, want once:\n%s", n, got)
	}
	if !strings.Contains(got, `"origin":"https://www.altro-sito.example.it"`) {
		t.Errorf("the log does not name the site:\n%s", got)
	}
}

// lockedWriter lets the server log while the test reads.
type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func TestPortalPageAndAssets(t *testing.T) {
	ts := newTestServer(t, Options{})
	resp, err := http.Get(ts.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !bytes.Contains(page, []byte(`<script src="/widget.js" defer></script>`)) {
		t.Errorf("portal page does not add the widget with one tag")
	}
	if !bytes.Contains(page, []byte("Comune di Valdoria")) {
		t.Errorf("portal page does not name the comune")
	}
	resp, _ = http.Get(ts.URL + "/widget.js")
	if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Type"), "javascript") || resp.Header.Get("ETag") == "" {
		t.Errorf("widget.js: %d %v", resp.StatusCode, resp.Header)
	}
	req, _ := http.NewRequest("GET", ts.URL+"/widget.js", nil)
	req.Header.Set("If-None-Match", resp.Header.Get("ETag"))
	if resp, _ := http.DefaultClient.Do(req); resp.StatusCode != http.StatusNotModified {
		t.Errorf("widget.js revalidation: %d", resp.StatusCode)
	}
	i := bytes.Index(page, []byte("/static/portal."))
	if i < 0 {
		t.Fatal("no hashed stylesheet URL in page")
	}
	url := string(page[i : i+bytes.IndexByte(page[i:], '"')])
	resp, _ = http.Get(ts.URL + url)
	if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Cache-Control"), "immutable") {
		t.Errorf("%s: %d %q", url, resp.StatusCode, resp.Header.Get("Cache-Control"))
	}
}

func TestWebSocketResumesWithoutLossOrDuplicates(t *testing.T) {
	ts := newTestServer(t, Options{})
	c := ts.newConversation(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	wsURL := "ws" + strings.TrimPrefix(ts.URL, "http") + "/api/v1/conversations/" + c.ID + "/ws?token=" + c.Token
	read := func(conn *websocket.Conn, n int) []uint64 {
		var seqs []uint64
		for len(seqs) < n {
			var f struct {
				Type    string
				Message messageView
			}
			if err := wsjson.Read(ctx, conn, &f); err != nil {
				t.Fatalf("read: %v", err)
			}
			if f.Type == "message" {
				seqs = append(seqs, f.Message.Seq)
			}
		}
		return seqs
	}
	conn, _, err := websocket.Dial(ctx, wsURL+"&after=0", nil)
	if err != nil {
		t.Fatal(err)
	}
	wsjson.Write(ctx, conn, map[string]string{"type": "send", "text": "passo carrabile", "client_id": "w1"})
	if got := fmt.Sprint(read(conn, 2)); got != "[1 2]" {
		t.Fatalf("first exchange: %s", got)
	}
	conn.Close(websocket.StatusNormalClosure, "")
	// While disconnected, a message goes through REST.
	ts.call(t, "POST", "/api/v1/conversations/"+c.ID+"/messages", c.Token, map[string]string{"text": "quanto costa?"}, nil)
	conn, _, err = websocket.Dial(ctx, wsURL+"&after=2", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.CloseNow()
	if got := fmt.Sprint(read(conn, 2)); got != "[3 4]" {
		t.Fatalf("resumed: %s", got)
	}
	wsjson.Write(ctx, conn, map[string]string{"type": "send", "text": "grazie", "client_id": "w2"})
	if got := fmt.Sprint(read(conn, 2)); got != "[5 6]" {
		t.Fatalf("after resume: %s", got)
	}
	if _, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(ts.URL, "http")+"/api/v1/conversations/"+c.ID+"/ws?token=bad", nil); err == nil {
		t.Error("WebSocket opened with a bad token")
	}
}

func TestWidgetConfigAndHealth(t *testing.T) {
	ts := newTestServer(t, Options{Widget: WidgetOptions{Title: "Serve aiuto?", Color: "#004D99"}})
	var cfg map[string]string
	if resp := ts.call(t, "GET", "/api/v1/widget-config", "", nil, &cfg); resp.StatusCode != 200 {
		t.Fatalf("widget-config: %d", resp.StatusCode)
	}
	if cfg["comune"] != "Comune di Valdoria" || cfg["title"] != "Serve aiuto?" || cfg["color"] != "#004D99" {
		t.Errorf("widget-config: %v", cfg)
	}
	var h struct {
		Status string
		Schede int
	}
	ts.call(t, "GET", "/healthz", "", nil, &h)
	if h.Status != "ok" || h.Schede != 39 {
		t.Errorf("healthz: %+v", h)
	}
	var e errorBody
	if resp := ts.call(t, "GET", "/api/v1/nowhere", "", nil, &e); resp.StatusCode != 404 || e.Message == "" {
		t.Errorf("unknown API path: %d %+v", resp.StatusCode, e)
	}
}

func TestRateLimitPerIP(t *testing.T) {
	ts := newTestServer(t, Options{MessagesPerMinuteIP: 3, ConversationsPerMinuteIP: 2})
	a, b := ts.newConversation(t), ts.newConversation(t)
	var e errorBody
	if resp := ts.call(t, "POST", "/api/v1/conversations", "", nil, &e); resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("third conversation from one IP: %d, want 429", resp.StatusCode)
	}
	codes := []int{}
	for i, c := range []conv{a, b, a, b} {
		resp := ts.call(t, "POST", "/api/v1/conversations/"+c.ID+"/messages", c.Token, map[string]string{"text": fmt.Sprintf("imu %d", i)}, nil)
		codes = append(codes, resp.StatusCode)
	}
	if fmt.Sprint(codes) != "[201 201 201 429]" {
		t.Errorf("messages from one IP over two conversations: %v, want the 4th refused", codes)
	}
}

func TestShutdownBeforeServe(t *testing.T) {
	store, _ := handoff.Open(filepath.Join(t.TempDir(), "db"))
	defer store.Close()
	s, err := New(Options{}, Deps{Store: store, Hub: handoff.NewHub(), Assistant: assistant.New(assistant.Options{}),
		Cards: func() *schede.Set { return nil }, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- s.Serve(l) }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Serve after Shutdown: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Serve after Shutdown kept serving: a SIGTERM right after start would hang")
	}
}
