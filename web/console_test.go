package web

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"
	"github.com/labstack/echo/v4"

	"github.com/sportello/sportello/handoff"
)

// openTuesday is an instant the demo office is open.
var openTuesday = time.Date(2026, 11, 24, 10, 0, 0, 0, handoff.Rome())

type consoleServer struct {
	*testServer
	desk     *handoff.Desk
	accounts *handoff.Accounts
}

// newConsoleServer runs a server whose desk believes it is Tuesday
// morning, with an admin, two operators and an editor.
func newConsoleServer(t *testing.T) *consoleServer {
	t.Helper()
	cs := &consoleServer{}
	cs.testServer = newTestServerWith(t, Options{}, func(d *Deps) {
		cs.desk = handoff.NewDesk(d.Store, d.Hub, handoff.DefaultCalendar(), d.Logger)
		start := time.Now()
		cs.desk.Now = func() time.Time { return openTuesday.Add(time.Since(start)) }
		// The statistics count on the same clock as the desk.
		d.Events = handoff.NewRecorder(d.Store, handoff.DefaultCalendar(), d.Logger)
		d.Events.Now = cs.desk.Now
		cs.accounts = handoff.NewAccounts(d.Store)
		d.Desk, d.Accounts = cs.desk, cs.accounts
	})
	for _, u := range []struct {
		name, display string
		role          handoff.StaffRole
	}{{"capo", "Capo URP", handoff.StaffAdmin}, {"mario", "Mario", handoff.StaffOperatore}, {"anna", "Anna", handoff.StaffOperatore}, {"rita", "Rita", handoff.StaffRedattore}} {
		if _, err := cs.accounts.AddUser(context.Background(), u.name, u.display, u.role, "password-lunga-1"); err != nil {
			t.Fatal(err)
		}
	}
	return cs
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)
var consoleCSRF = regexp.MustCompile(`data-csrf="([^"]+)"`)

// staffClient is a browser-like client of the console.
type staffClient struct {
	*http.Client
	base string
	csrf string
}

func (cs *consoleServer) newClient(t *testing.T) *staffClient {
	jar, _ := cookiejar.New(nil)
	return &staffClient{Client: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}, base: cs.URL}
}

// login signs in and returns the response of the login POST.
func (c *staffClient) login(t *testing.T, name, password string) *http.Response {
	t.Helper()
	resp, err := c.Get(c.base + "/operatore/login")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := csrfField.FindSubmatch(body)
	if m == nil {
		t.Fatalf("no csrf field in login page")
	}
	resp, err = c.PostForm(c.base+"/operatore/login", url.Values{"csrf": {string(m[1])}, "nome": {name}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode == http.StatusSeeOther {
		if page, err := c.Get(c.base + "/operatore/utenti"); err == nil {
			b, _ := io.ReadAll(page.Body)
			page.Body.Close()
			if m := csrfField.FindSubmatch(b); m != nil {
				c.csrf = string(m[1])
			}
		}
		if c.csrf == "" {
			page, _ := c.Get(c.base + "/operatore")
			b, _ := io.ReadAll(page.Body)
			page.Body.Close()
			if m := consoleCSRF.FindSubmatch(b); m != nil {
				c.csrf = string(m[1])
			}
		}
	}
	return resp
}

// do makes a console API call with the CSRF header; out may be nil.
func (c *staffClient) do(t *testing.T, method, path string, body any, out any) *http.Response {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = strings.NewReader(string(b))
	}
	req, _ := http.NewRequest(method, c.base+path, rd)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-CSRF-Token", c.csrf)
	resp, err := c.Do(req)
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

func TestLogin(t *testing.T) {
	cs := newConsoleServer(t)
	t.Run("right password opens a session cookie", func(t *testing.T) {
		c := cs.newClient(t)
		resp := c.login(t, "mario", "password-lunga-1")
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/operatore" {
			t.Fatalf("login: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		var sess *http.Cookie
		for _, ck := range resp.Cookies() {
			if ck.Name == sessionCookie && ck.Value != "" {
				sess = ck
			}
		}
		if sess == nil || !sess.HttpOnly || sess.SameSite != http.SameSiteStrictMode {
			t.Errorf("session cookie = %+v, want HttpOnly and SameSite=Strict", sess)
		}
		if c.csrf == "" {
			t.Error("the console page carries no CSRF token")
		}
	})
	t.Run("wrong password and unknown user look the same", func(t *testing.T) {
		for _, name := range []string{"mario", "nessuno"} {
			c := cs.newClient(t)
			if resp := c.login(t, name, "sbagliata-del-tutto"); resp.StatusCode != http.StatusUnauthorized {
				t.Errorf("%s: status %d, want 401", name, resp.StatusCode)
			}
		}
	})
	t.Run("a login form without its token is refused", func(t *testing.T) {
		c := cs.newClient(t)
		resp, err := c.PostForm(cs.URL+"/operatore/login", url.Values{"nome": {"mario"}, "password": {"password-lunga-1"}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("status %d, want 403", resp.StatusCode)
		}
	})
	t.Run("five wrong passwords lock the account", func(t *testing.T) {
		c := cs.newClient(t)
		for range 5 {
			c.login(t, "anna", "sbagliata-del-tutto")
		}
		if resp := c.login(t, "anna", "password-lunga-1"); resp.StatusCode != http.StatusTooManyRequests {
			t.Errorf("right password on a locked account: %d, want 429", resp.StatusCode)
		}
	})
	t.Run("cookies are Secure unless on this machine over plain HTTP", func(t *testing.T) {
		for host, want := range map[string]bool{"127.0.0.1:8080": false, "localhost:8080": false, "sportello.comune.example.it": true} {
			req := httptest.NewRequest("GET", "http://"+host+"/operatore/login", nil)
			c := echoContext(req)
			if got := secureCookies(c); got != want {
				t.Errorf("%s: secure = %v, want %v", host, got, want)
			}
		}
	})
}

func TestRoleChecksOnEveryOperatorRoute(t *testing.T) {
	cs := newConsoleServer(t)
	clients := map[string]*staffClient{"": cs.newClient(t)}
	for _, u := range []string{"capo", "mario", "rita"} {
		c := cs.newClient(t)
		if resp := c.login(t, u, "password-lunga-1"); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("login %s: %d", u, resp.StatusCode)
		}
		clients[u] = c
	}
	routes := []struct {
		method, path string
		// want is the status for: anonymous, admin, operator, editor.
		anon, admin, op, editor int
	}{
		{"GET", "/operatore", 303, 200, 200, 403},
		{"GET", "/operatore/api/chats/c_x", 401, 404, 403, 403},
		{"GET", "/operatore/api/chats/c_x/assist", 401, 200, 403, 403},
		{"POST", "/operatore/api/chats/c_x/pickup", 401, 409, 409, 403},
		{"POST", "/operatore/api/chats/c_x/messages", 401, 400, 400, 403},
		{"POST", "/operatore/api/chats/c_x/transfer", 401, 409, 409, 403},
		{"POST", "/operatore/api/chats/c_x/close", 401, 400, 400, 403},
		{"POST", "/operatore/api/status", 401, 409, 409, 403},
		{"GET", "/operatore/richieste", 303, 200, 200, 403},
		{"GET", "/operatore/richieste/URP-2026-000001", 303, 404, 404, 403},
		{"POST", "/operatore/richieste/URP-2026-000001", 401, 404, 404, 403},
		{"GET", "/operatore/utenti", 303, 200, 403, 403},
		{"POST", "/operatore/utenti", 401, 400, 403, 403},
		{"POST", "/operatore/utenti/mario", 401, 400, 403, 403},
		{"GET", "/operatore/privacy", 303, 200, 403, 403},
		{"POST", "/operatore/privacy/esporta", 401, 400, 403, 403},
		{"POST", "/operatore/privacy/cancella", 401, 400, 403, 403},
	}
	for _, r := range routes {
		for who, want := range map[string]int{"": r.anon, "capo": r.admin, "mario": r.op, "rita": r.editor} {
			resp := clients[who].do(t, r.method, r.path, map[string]string{}, nil)
			if resp.StatusCode != want {
				t.Errorf("%s %s as %q: %d, want %d", r.method, r.path, who, resp.StatusCode, want)
			}
		}
	}
	t.Run("a change without the CSRF token is refused", func(t *testing.T) {
		c := *clients["mario"]
		c.csrf = ""
		if resp := c.do(t, "POST", "/operatore/api/status", map[string]string{"status": "pause"}, nil); resp.StatusCode != http.StatusForbidden {
			t.Errorf("status %d, want 403", resp.StatusCode)
		}
	})
	t.Run("logout ends the session", func(t *testing.T) {
		c := clients["mario"]
		req, _ := http.NewRequest("POST", cs.URL+"/operatore/logout", strings.NewReader(url.Values{"csrf": {c.csrf}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("logout: %d", resp.StatusCode)
		}
		if resp := c.do(t, "GET", "/operatore/api/chats/c_x", nil, nil); resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("after logout: %d, want 401", resp.StatusCode)
		}
	})
}

func TestSessionExpires(t *testing.T) {
	cs := newConsoleServer(t)
	c := cs.newClient(t)
	c.login(t, "mario", "password-lunga-1")
	start := time.Now()
	cs.accounts.Store.Now = func() time.Time { return start.Add(9 * time.Hour) }
	resp, err := c.Get(cs.URL + "/operatore")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/operatore/login") {
		t.Errorf("after 9 idle hours: %d to %q, want the login page", resp.StatusCode, resp.Header.Get("Location"))
	}
}

func TestAccountsPage(t *testing.T) {
	cs := newConsoleServer(t)
	c := cs.newClient(t)
	c.login(t, "capo", "password-lunga-1")
	post := func(path string, v url.Values) (int, string) {
		v.Set("csrf", c.csrf)
		resp, err := c.PostForm(cs.URL+path, v)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	tests := []struct {
		name     string
		path     string
		form     url.Values
		want     int
		wantText string
	}{
		{"adds an operator", "/operatore/utenti", url.Values{"nome": {"luca"}, "nome_visualizzato": {"Luca"}, "ruolo": {"operatore"}, "password": {"un-altra-password"}}, 303, ""},
		{"refuses a short password", "/operatore/utenti", url.Values{"nome": {"pia"}, "ruolo": {"operatore"}, "password": {"corta"}}, 400, "almeno 10 caratteri"},
		{"refuses a taken name", "/operatore/utenti", url.Values{"nome": {"mario"}, "ruolo": {"operatore"}, "password": {"un-altra-password"}}, 409, "esiste già"},
		{"refuses to disable yourself", "/operatore/utenti/capo", url.Values{"azione": {"disabilitato"}}, 409, "tuo stesso account"},
		{"disables an operator", "/operatore/utenti/anna", url.Values{"azione": {"disabilitato"}}, 303, ""},
		{"refuses to demote the last admin", "/operatore/utenti/capo", url.Values{"azione": {"ruolo"}, "ruolo": {"operatore"}}, 409, "almeno un amministratore"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, body := post(tt.path, tt.form)
			if got != tt.want || !strings.Contains(body, tt.wantText) {
				t.Errorf("status %d (want %d), body has %q: %v", got, tt.want, tt.wantText, strings.Contains(body, tt.wantText))
			}
		})
	}
	if u, err := cs.accounts.User(context.Background(), "anna"); err != nil || !u.Disabled {
		t.Errorf("anna = %+v, %v: want disabled", u, err)
	}
	if _, _, err := cs.accounts.Login(context.Background(), "luca", "un-altra-password"); err != nil {
		t.Errorf("the new account cannot sign in: %v", err)
	}
}

// wsFrames reads frames from a WebSocket into a channel.
func wsFrames(t *testing.T, conn *websocket.Conn) <-chan map[string]any {
	ch := make(chan map[string]any, 256)
	go func() {
		defer close(ch)
		for {
			var f map[string]any
			if err := wsjson.Read(context.Background(), conn, &f); err != nil {
				return
			}
			ch <- f
		}
	}()
	return ch
}

// waitFor returns the first frame that satisfies ok, failing after 5 s.
func waitFor(t *testing.T, ch <-chan map[string]any, what string, ok func(map[string]any) bool) map[string]any {
	t.Helper()
	timeout := time.After(5 * time.Second)
	for {
		select {
		case f, open := <-ch:
			if !open {
				t.Fatalf("connection closed waiting for %s", what)
			}
			if ok(f) {
				return f
			}
		case <-timeout:
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

func messageText(f map[string]any) (role, text string) {
	if f["type"] != "message" {
		return "", ""
	}
	m, _ := f["message"].(map[string]any)
	r, _ := m["role"].(string)
	tx, _ := m["text"].(string)
	return r, tx
}

func TestEscalationReachesAnOperatorLive(t *testing.T) {
	cs := newConsoleServer(t)
	op := cs.newClient(t)
	op.login(t, "mario", "password-lunga-1")
	wsURL := "ws" + strings.TrimPrefix(cs.URL, "http")
	hdr := http.Header{}
	u, _ := url.Parse(cs.URL + "/operatore/ws")
	for _, ck := range op.Jar.Cookies(u) {
		hdr.Add("Cookie", ck.Name+"="+ck.Value)
	}
	hdr.Set("Origin", cs.URL)
	console, _, err := websocket.Dial(context.Background(), wsURL+"/operatore/ws", &websocket.DialOptions{HTTPHeader: hdr})
	if err != nil {
		t.Fatal(err)
	}
	defer console.CloseNow()
	opFrames := wsFrames(t, console)
	waitFor(t, opFrames, "first snapshot", func(f map[string]any) bool { return f["type"] == "snapshot" })

	citizen := cs.newConversation(t)
	cws, _, err := websocket.Dial(context.Background(), wsURL+"/api/v1/conversations/"+citizen.ID+"/ws?token="+citizen.Token, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer cws.CloseNow()
	cFrames := wsFrames(t, cws)
	cs.call(t, "POST", "/api/v1/conversations/"+citizen.ID+"/messages", citizen.Token, map[string]string{"text": "come si paga la tari"}, nil)
	if resp := cs.call(t, "POST", "/api/v1/conversations/"+citizen.ID+"/operator", citizen.Token, nil, nil); resp.StatusCode != 200 {
		t.Fatalf("ask for a person: %d", resp.StatusCode)
	}
	waitFor(t, cFrames, "told the queue position", func(f map[string]any) bool {
		_, text := messageText(f)
		return strings.Contains(text, "Sei il primo in coda")
	})
	snap := waitFor(t, opFrames, "the chat in the queue", func(f map[string]any) bool {
		d, _ := f["desk"].(map[string]any)
		q, _ := d["queue"].([]any)
		return f["type"] == "snapshot" && len(q) == 1
	})
	item := snap["desk"].(map[string]any)["queue"].([]any)[0].(map[string]any)
	esc := item["escalation"].(map[string]any)
	if esc["reason"] != "asked_person" || esc["question"] != "come si paga la tari" || esc["card"] == "" {
		t.Errorf("queue item = %v", item)
	}

	if resp := op.do(t, "POST", "/operatore/api/chats/"+citizen.ID+"/pickup", nil, nil); resp.StatusCode != 200 {
		t.Fatalf("pickup: %d", resp.StatusCode)
	}
	waitFor(t, opFrames, "the chat's history", func(f map[string]any) bool { return f["type"] == "chat" })
	waitFor(t, cFrames, "operator joined", func(f map[string]any) bool {
		_, text := messageText(f)
		return text == "Mario si è unito alla conversazione."
	})
	op.do(t, "POST", "/operatore/api/chats/"+citizen.ID+"/messages", map[string]any{"text": "Buongiorno, <b>mi dica</b>", "client_id": "op-1"}, nil)
	waitFor(t, cFrames, "the operator's message", func(f map[string]any) bool {
		role, text := messageText(f)
		return role == "operator" && text == "Buongiorno, <b>mi dica</b>"
	})
	wsjson.Write(context.Background(), cws, map[string]string{"type": "typing"})
	waitFor(t, opFrames, "the citizen typing", func(f map[string]any) bool {
		ev, _ := f["event"].(map[string]any)
		return f["type"] == "event" && ev["kind"] == "typing"
	})
	var sent sendResponse
	cs.call(t, "POST", "/api/v1/conversations/"+citizen.ID+"/messages", citizen.Token, map[string]string{"text": "ho una cartella da pagare"}, &sent)
	if sent.Reply != nil {
		t.Errorf("the assistant replied while the operator held the chat: %+v", sent.Reply)
	}
	waitFor(t, opFrames, "the citizen's message", func(f map[string]any) bool {
		role, text := messageText(f)
		return role == "citizen" && text == "ho una cartella da pagare"
	})
	op.do(t, "POST", "/operatore/api/chats/"+citizen.ID+"/messages", map[string]any{"text": "cittadino gentile", "internal": true}, nil)
	if resp := op.do(t, "POST", "/operatore/api/chats/"+citizen.ID+"/close", map[string]string{"outcome": "risolta"}, nil); resp.StatusCode != 200 {
		t.Fatalf("close: %d", resp.StatusCode)
	}
	waitFor(t, cFrames, "the closing message", func(f map[string]any) bool {
		_, text := messageText(f)
		return strings.Contains(text, "ha chiuso la conversazione")
	})
	var list struct {
		Messages []messageView `json:"messages"`
	}
	cs.call(t, "GET", "/api/v1/conversations/"+citizen.ID+"/messages", citizen.Token, nil, &list)
	for _, m := range list.Messages {
		if m.Internal || strings.Contains(m.Text, "cittadino gentile") {
			t.Errorf("the citizen can read an internal note: %+v", m)
		}
	}
}

func echoContext(req *http.Request) echo.Context {
	return echo.New().NewContext(req, httptest.NewRecorder())
}

func TestOneTimeAdminPasswordMustBeChanged(t *testing.T) {
	cs := newConsoleServer(t)
	if err := cs.accounts.DeleteUser(context.Background(), "capo"); err == nil {
		t.Fatal("deleted the only admin")
	}
	ctx := context.Background()
	// A fresh install: the accounts of the fixture go, EnsureAdmin runs.
	for _, u := range []string{"mario", "anna", "rita"} {
		if err := cs.accounts.DeleteUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	if err := cs.accounts.SetRole(ctx, "capo", handoff.StaffAdmin); err != nil {
		t.Fatal(err)
	}
	pw := "provvisoria-123"
	if err := cs.accounts.ResetPassword(ctx, "capo", pw); err != nil {
		t.Fatal(err)
	}
	c := cs.newClient(t)
	c.login(t, "capo", pw)
	resp, _ := c.Get(cs.URL + "/operatore")
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/operatore/password" {
		t.Fatalf("with a one-time password the console answers %d to %q, want the password page", resp.StatusCode, resp.Header.Get("Location"))
	}
	page, _ := c.Get(cs.URL + "/operatore/password")
	b, _ := io.ReadAll(page.Body)
	page.Body.Close()
	c.csrf = string(csrfField.FindSubmatch(b)[1])
	change := func(current, next, again string) int {
		resp, err := c.PostForm(cs.URL+"/operatore/password", url.Values{"csrf": {c.csrf}, "attuale": {current}, "nuova": {next}, "conferma": {again}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	tests := []struct {
		name                 string
		current, next, again string
		want                 int
	}{
		{"wrong current password", "sbagliata-123", "nuova-password-1", "nuova-password-1", 400},
		{"the two new ones differ", pw, "nuova-password-1", "nuova-password-2", 400},
		{"too short", pw, "corta", "corta", 400},
		{"the same as before", pw, pw, pw, 400},
		{"a good one", pw, "nuova-password-1", "nuova-password-1", 303},
	}
	for _, tt := range tests {
		if got := change(tt.current, tt.next, tt.again); got != tt.want {
			t.Errorf("%s: %d, want %d", tt.name, got, tt.want)
		}
	}
	resp, _ = c.Get(cs.URL + "/operatore")
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("after the change the console answers %d (the session in use must stay open)", resp.StatusCode)
	}
}

func regexpFind(t *testing.T, s, re string) string {
	t.Helper()
	m := regexp.MustCompile(re).FindStringSubmatch(s)
	if m == nil {
		t.Fatalf("no %s in page", re)
	}
	return m[1]
}
