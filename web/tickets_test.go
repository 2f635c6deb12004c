package web

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/sportello/sportello/handoff"
)

func goodTicket() map[string]any {
	return map[string]any{"first_name": "Maria", "last_name": "Bianchi", "email": "maria.bianchi@example.it",
		"service": "Relazioni con il pubblico", "text": "Vorrei sapere perché la mia pratica è ferma.", "consent": true}
}

func TestTicketFromTheChat(t *testing.T) {
	cs := newConsoleServer(t)
	citizen := cs.newConversation(t)
	cs.call(t, "POST", "/api/v1/conversations/"+citizen.ID+"/messages", citizen.Token, map[string]string{"text": "come si paga la tari"}, nil)
	cs.call(t, "POST", "/api/v1/conversations/"+citizen.ID+"/messages", citizen.Token, map[string]string{"text": "il mio vicino fa rumore di notte"}, nil)

	t.Run("the form is prefilled", func(t *testing.T) {
		var form struct {
			Services []string
			Service  string
			Text     string
		}
		cs.call(t, "GET", "/api/v1/conversations/"+citizen.ID+"/ticket-form", citizen.Token, nil, &form)
		if form.Text != "il mio vicino fa rumore di notte" || !strings.Contains(form.Service, "TARI") || form.Services[0] != "Relazioni con il pubblico" {
			t.Errorf("form = %q, %q, %v", form.Text, form.Service, form.Services[:3])
		}
	})

	t.Run("bad input gets an Italian message per field", func(t *testing.T) {
		var body errorBody
		bad := map[string]any{"first_name": "", "last_name": strings.Repeat("x", 80), "email": "maria@", "text": "ok", "consent": false, "phone": "abc"}
		resp := cs.call(t, "POST", "/api/v1/conversations/"+citizen.ID+"/ticket", citizen.Token, bad, &body)
		if resp.StatusCode != http.StatusBadRequest {
			t.Fatalf("status %d", resp.StatusCode)
		}
		for _, f := range []string{"first_name", "last_name", "email", "consent", "phone"} {
			if body.Fields[f] == "" {
				t.Errorf("no message for %s: %v", f, body.Fields)
			}
		}
		if resp := cs.call(t, "POST", "/api/v1/conversations/"+citizen.ID+"/ticket", citizen.Token, `{"first_name":"a","nonsense":1}`, nil); resp.StatusCode != http.StatusBadRequest {
			t.Errorf("unknown field: %d", resp.StatusCode)
		}
		if resp := cs.call(t, "POST", "/api/v1/conversations/"+citizen.ID+"/ticket", "wrong", goodTicket(), nil); resp.StatusCode != http.StatusNotFound {
			t.Errorf("wrong token: %d", resp.StatusCode)
		}
	})

	var created struct {
		Number    string `json:"number"`
		StatusURL string `json:"status_url"`
	}
	resp := cs.call(t, "POST", "/api/v1/conversations/"+citizen.ID+"/ticket", citizen.Token, goodTicket(), &created)
	if resp.StatusCode != http.StatusCreated || !strings.HasPrefix(created.Number, "URP-") {
		t.Fatalf("create: %d %+v", resp.StatusCode, created)
	}
	u, _ := url.Parse(created.StatusURL)
	page := func(path string) (int, string) {
		resp, err := http.Get(cs.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	t.Run("the status page opens with the link, not with the number", func(t *testing.T) {
		if code, body := page(u.Path); code != 200 || !strings.Contains(body, created.Number) || !strings.Contains(body, "aria-current=\"step\">Ricevuta") {
			t.Errorf("status page: %d", code)
		}
		for _, p := range []string{"/richieste/" + created.Number, u.Path + "x", "/richieste/"} {
			if code, _ := page(p); code != http.StatusNotFound {
				t.Errorf("%s: %d, want 404", p, code)
			}
		}
	})
	t.Run("the chat says it", func(t *testing.T) {
		var list struct{ Messages []messageView }
		cs.call(t, "GET", "/api/v1/conversations/"+citizen.ID+"/messages", citizen.Token, nil, &list)
		if last := list.Messages[len(list.Messages)-1]; !strings.Contains(last.Text, created.Number) {
			t.Errorf("last message %q", last.Text)
		}
	})

	t.Run("an operator answers; the status page shows it", func(t *testing.T) {
		op := cs.newClient(t)
		op.login(t, "mario", "password-lunga-1")
		get := func(path string) string {
			resp, err := op.Get(cs.URL + path)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			return string(b)
		}
		if list := get("/operatore/richieste"); !strings.Contains(list, created.Number) {
			t.Fatal("the ticket is not in the list")
		}
		detail := get("/operatore/richieste/" + created.Number)
		if !strings.Contains(detail, "il mio vicino fa rumore di notte") || !strings.Contains(detail, "maria.bianchi@example.it") {
			t.Error("the detail lacks the attached chat or the email")
		}
		post := func(v url.Values) int {
			v.Set("csrf", op.csrf)
			resp, err := op.PostForm(cs.URL+"/operatore/richieste/"+created.Number, v)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			return resp.StatusCode
		}
		if code := post(url.Values{"azione": {"rispondi"}, "testo": {""}}); code != http.StatusBadRequest {
			t.Errorf("empty reply: %d", code)
		}
		if code := post(url.Values{"azione": {"rispondi"}, "testo": {"La pratica è all'Ufficio Tecnico: la chiamiamo noi."}}); code != http.StatusSeeOther {
			t.Fatalf("reply: %d", code)
		}
		if _, body := page(u.Path); !strings.Contains(body, "La pratica è all&#39;Ufficio Tecnico") || !strings.Contains(body, "aria-current=\"step\">Risposta inviata") {
			t.Error("the status page does not show the reply")
		}
		pending, _ := cs.outboxPending()
		if pending != 2 {
			t.Errorf("%d emails pending, want confirmation and reply", pending)
		}
	})
}

func (cs *consoleServer) outboxPending() (int, error) {
	p, err := cs.srv.outbox.Pending(context.Background())
	return len(p), err
}

func TestTicketFloodIsLimited(t *testing.T) {
	cs := newConsoleServer(t)
	codes := []int{}
	for range 5 {
		c := cs.newConversation(t)
		codes = append(codes, cs.call(t, "POST", "/api/v1/conversations/"+c.ID+"/ticket", c.Token, goodTicket(), nil).StatusCode)
	}
	if codes[0] != 201 || codes[2] != 201 || codes[3] != 429 || codes[4] != 429 {
		t.Errorf("statuses = %v, want three created then 429", codes)
	}
}

type downMailer struct{}

func (downMailer) Send(context.Context, handoff.Email) error {
	return errors.New("dial tcp: connection refused")
}

func TestUndeliveredEmailsAreFlaggedInTheConsole(t *testing.T) {
	cs := newConsoleServer(t)
	c := cs.newConversation(t)
	if resp := cs.call(t, "POST", "/api/v1/conversations/"+c.ID+"/ticket", c.Token, goodTicket(), nil); resp.StatusCode != 201 {
		t.Fatal(resp.StatusCode)
	}
	ob := handoff.NewOutbox(cs.store, downMailer{}, nil)
	ob.MaxAttempts = 1
	ob.DeliverDue(context.Background())
	op := cs.newClient(t)
	op.login(t, "mario", "password-lunga-1")
	resp, err := op.Get(cs.URL + "/operatore/richieste")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if !strings.Contains(string(b), "Email non consegnate") || !strings.Contains(string(b), "connection refused") || !strings.Contains(string(b), "maria.bianchi@example.it") {
		t.Error("the console does not flag the undelivered email")
	}
}
