package handoff

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sportello/sportello"
)

func yes() *bool { b := true; return &b }
func no() *bool  { b := false; return &b }

func goodRequest() TicketRequest {
	return TicketRequest{FirstName: "Maria", LastName: "Bianchi", Email: "maria.bianchi@example.it", Phone: "+39 333 123 4567",
		Service: "TARI - Tassa sui rifiuti", Text: "Ho ricevuto due avvisi TARI per lo stesso anno: quale devo pagare?", Consent: yes()}
}

func TestTicketValidation(t *testing.T) {
	tests := []struct {
		name   string
		edit   func(*TicketRequest)
		fields []string
	}{
		{"a good request", func(*TicketRequest) {}, nil},
		{"every field empty", func(r *TicketRequest) { *r = TicketRequest{} }, []string{"consent", "email", "first_name", "last_name", "text"}},
		{"only spaces", func(r *TicketRequest) { r.FirstName, r.Text = "   ", " \n " }, []string{"first_name", "text"}},
		{"too long", func(r *TicketRequest) {
			r.FirstName, r.LastName, r.Text = strings.Repeat("a", 61), strings.Repeat("b", 61), strings.Repeat("c", 601)
		}, []string{"first_name", "last_name", "text"}},
		{"malformed email", func(r *TicketRequest) { r.Email = "maria.bianchi@" }, []string{"email"}},
		{"email with a display name", func(r *TicketRequest) { r.Email = "Maria <maria@example.it>" }, []string{"email"}},
		{"two addresses", func(r *TicketRequest) { r.Email = "a@example.it, b@example.it" }, []string{"email"}},
		{"header injection in the email", func(r *TicketRequest) { r.Email = "maria@example.it\r\nBcc: tutti@example.it" }, []string{"email"}},
		{"header injection in the name", func(r *TicketRequest) { r.FirstName = "Maria\nSubject: spam" }, []string{"first_name"}},
		{"header injection in the service", func(r *TicketRequest) { r.Service = "TARI\r\nX-Evil: 1" }, []string{"service"}},
		{"a control character", func(r *TicketRequest) { r.LastName = "Bian\x00chi" }, []string{"last_name"}},
		{"letters in the phone", func(r *TicketRequest) { r.Phone = "chiamatemi" }, []string{"phone"}},
		{"no consent", func(r *TicketRequest) { r.Consent = nil }, []string{"consent"}},
		{"consent refused", func(r *TicketRequest) { r.Consent = no() }, []string{"consent"}},
		{"invalid UTF-8", func(r *TicketRequest) { r.Text = "ciao \xff" }, []string{"text"}},
		{"new lines are fine in the text", func(r *TicketRequest) { r.Text = "riga uno\r\nriga due" }, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := goodRequest()
			tt.edit(&r)
			_, err := r.Validate()
			var got []string
			for f, msg := range sportello.ErrorFields(err) {
				got = append(got, f)
				if msg == "" {
					t.Errorf("field %s has no message", f)
				}
			}
			sortStrings(got)
			if strings.Join(got, ",") != strings.Join(tt.fields, ",") {
				t.Errorf("fields in error = %v, want %v (%v)", got, tt.fields, err)
			}
			if len(tt.fields) > 0 && sportello.ErrorCode(err) != sportello.EINVALID {
				t.Errorf("code = %q", sportello.ErrorCode(err))
			}
		})
	}
	r := goodRequest()
	r.Service = ""
	if clean, _ := r.Validate(); clean.Service != DefaultService {
		t.Errorf("no service became %q", clean.Service)
	}
}

func sortStrings(s []string) {
	for i := range s {
		for j := i + 1; j < len(s); j++ {
			if s[j] < s[i] {
				s[i], s[j] = s[j], s[i]
			}
		}
	}
}

// fakeMailer fails while down, records what it accepted.
type fakeMailer struct {
	mu   sync.Mutex
	down bool
	sent []Email
}

func (m *fakeMailer) Send(_ context.Context, e Email) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.down {
		return errors.New("connection refused")
	}
	m.sent = append(m.sent, e)
	return nil
}

func (m *fakeMailer) count() int { m.mu.Lock(); defer m.mu.Unlock(); return len(m.sent) }

func newTickets(t *testing.T) (*Tickets, *Outbox, *fakeMailer, *fakeClock, *Store) {
	s, _ := openStore(t)
	clk := &fakeClock{t: tuesdayMorning}
	s.Now = clk.Now
	tk := NewTickets(s, DefaultCalendar(), nil)
	tk.Now, tk.Comune, tk.PublicURL, tk.MailDomain = clk.Now, "Comune di Valdoria", "https://sportello.valdoria.example.it", "valdoria.example.it"
	m := &fakeMailer{}
	o := NewOutbox(s, m, nil)
	o.Now = clk.Now
	return tk, o, m, clk, s
}

func TestCreateTicketWithConfirmation(t *testing.T) {
	tk, o, m, _, s := newTickets(t)
	ctx := context.Background()
	c, _, _ := s.CreateConversation(ctx)
	s.Append(ctx, c.ID, []Message{{Role: RoleCitizen, Text: "due avvisi tari"}, {Role: RoleAssistant, Text: "Non ho trovato..."}}, nil)
	ticket, token, err := tk.Create(ctx, c.ID, goodRequest())
	if err != nil {
		t.Fatal(err)
	}
	if ticket.Number != "URP-2026-000001" || ticket.State != TicketReceived || len(ticket.Transcript) != 2 {
		t.Errorf("ticket = %s %s, %d transcript messages", ticket.Number, ticket.State, len(ticket.Transcript))
	}
	if got := ticket.DueAt.In(romeLoc).Format("2006-01-02"); got != "2026-11-26" {
		t.Errorf("due %s, want two working days later", got)
	}
	second, _, _ := tk.Create(ctx, "", goodRequest())
	if second.Number != "URP-2026-000002" {
		t.Errorf("second number = %s", second.Number)
	}
	if got, err := tk.ByToken(ctx, token); err != nil || got.Number != ticket.Number {
		t.Errorf("by token: %v %v", got.Number, err)
	}
	for _, bad := range []string{"", "URP-2026-000001", token + "x"} {
		if _, err := tk.ByToken(ctx, bad); sportello.ErrorCode(err) != sportello.ENOTFOUND {
			t.Errorf("token %q opened a ticket (%v)", bad, err)
		}
	}
	pending, _ := o.Pending(ctx)
	if len(pending) != 2 {
		t.Fatalf("%d emails pending, want the two confirmations", len(pending))
	}
	if n := o.DeliverDue(ctx); n != 2 || m.count() != 2 {
		t.Fatalf("delivered %d", n)
	}
	e := m.sent[0]
	if e.To != "maria.bianchi@example.it" || !strings.Contains(e.Subject, "URP-2026-000001") || e.MessageID != ticket.Emails[0] ||
		!strings.Contains(e.Body, tk.StatusURL(token)) || !strings.Contains(e.Body, "Ho ricevuto due avvisi TARI") {
		t.Errorf("confirmation = %+v", e)
	}
	if o.DeliverDue(ctx) != 0 {
		t.Error("a sent email was sent again")
	}
}

func TestOutboxRetriesWithBackoffAndFlags(t *testing.T) {
	tk, o, m, clk, _ := newTickets(t)
	ctx := context.Background()
	o.MaxAttempts = 3
	m.down = true
	if _, _, err := tk.Create(ctx, "", goodRequest()); err != nil {
		t.Fatal(err)
	}
	var waits []time.Duration
	for range 4 {
		o.DeliverDue(ctx)
		p, _ := o.Pending(ctx)
		waits = append(waits, p[0].NextAt.Sub(clk.Now()))
		clk.Add(p[0].NextAt.Sub(clk.Now()))
	}
	if want := []time.Duration{30 * time.Second, time.Minute, 2 * time.Minute, 4 * time.Minute}; !equalDurations(waits, want) {
		t.Errorf("back-off = %v, want %v", waits, want)
	}
	p, _ := o.Pending(ctx)
	if !p[0].Failed || p[0].Attempts != 4 || !strings.Contains(p[0].LastError, "refused") {
		t.Errorf("after 4 failures: %+v", p[0])
	}
	if o.DeliverDue(ctx) != 0 {
		t.Error("tried before its time")
	}
	m.down = false
	clk.Add(10 * time.Minute)
	if o.DeliverDue(ctx) != 1 || m.count() != 1 {
		t.Error("not delivered once the server is back")
	}
	if p, _ := o.Pending(ctx); len(p) != 0 {
		t.Errorf("still pending: %+v", p)
	}
}

func equalDurations(a, b []time.Duration) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestTicketWork(t *testing.T) {
	tk, o, m, clk, _ := newTickets(t)
	ctx := context.Background()
	ticket, token, _ := tk.Create(ctx, "", goodRequest())
	if _, err := tk.Assign(ctx, ticket.Number, "mario"); err != nil {
		t.Fatal(err)
	}
	if _, err := tk.AddNote(ctx, ticket.Number, "mario", "verificare con i Tributi"); err != nil {
		t.Fatal(err)
	}
	clk.Add(3 * 24 * time.Hour)
	open, _ := tk.List(ctx, TicketFilter{Open: true})
	if len(open) != 1 || !open[0].Overdue(clk.Now()) || open[0].State != TicketInProgress {
		t.Fatalf("open list = %+v", open)
	}
	if _, err := tk.Reply(ctx, ticket.Number, "mario", "Mario Rossi", "Paghi solo il secondo avviso: il primo è stato annullato."); err != nil {
		t.Fatal(err)
	}
	got, _ := tk.ByToken(ctx, token)
	if got.State != TicketAnswered || got.Reply == "" || got.RepliedBy != "Mario Rossi" || got.Overdue(clk.Now()) {
		t.Errorf("after the reply: %+v", got)
	}
	o.DeliverDue(ctx)
	if m.count() != 2 || !strings.Contains(m.sent[1].Body, "Paghi solo il secondo avviso") || m.sent[1].MessageID != got.Emails[1] {
		t.Errorf("reply email: %+v", m.sent)
	}
	if _, err := tk.Close(ctx, ticket.Number); err != nil {
		t.Fatal(err)
	}
	if _, err := tk.Reply(ctx, ticket.Number, "mario", "Mario", "ancora"); sportello.ErrorCode(err) != sportello.ECONFLICT {
		t.Errorf("replied to a closed ticket: %v", err)
	}
	for _, f := range []TicketFilter{{State: TicketClosed}, {Service: "TARI - Tassa sui rifiuti"}, {OlderThan: 48 * time.Hour}} {
		if l, _ := tk.List(ctx, f); len(l) != 1 {
			t.Errorf("filter %+v: %d tickets", f, len(l))
		}
	}
	if l, _ := tk.List(ctx, TicketFilter{State: TicketReceived}); len(l) != 0 {
		t.Errorf("received filter: %d", len(l))
	}
}

func TestTranscriptByEmail(t *testing.T) {
	tk, o, m, _, s := newTickets(t)
	ctx := context.Background()
	c, _, _ := s.CreateConversation(ctx)
	s.Append(ctx, c.ID, []Message{{Role: RoleCitizen, Text: "posso pagare a rate?"}, {Role: RoleOperator, Author: "Mario Rossi", Text: "Sì, in tre rate."},
		{Role: RoleSystem, Internal: true, Text: "nota riservata"}}, nil)
	tests := []struct {
		name    string
		email   string
		consent bool
		fields  string
	}{
		{"a bad address", "mario@", true, "email"},
		{"header injection", "a@example.it\r\nBcc: b@example.it", true, "email"},
		{"no consent", "a@example.it", false, "consent"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tk.SendTranscript(ctx, c.ID, tt.email, tt.consent)
			if _, ok := sportello.ErrorFields(err)[tt.fields]; !ok {
				t.Errorf("err = %v, want a message for %s", err, tt.fields)
			}
		})
	}
	if err := tk.SendTranscript(ctx, c.ID, "cittadino@example.it", true); err != nil {
		t.Fatal(err)
	}
	o.DeliverDue(ctx)
	if m.count() != 1 {
		t.Fatalf("%d emails", m.count())
	}
	body := m.sent[0].Body
	if !strings.Contains(body, "Tu:\nposso pagare a rate?") || !strings.Contains(body, "Mario Rossi:\nSì, in tre rate.") || strings.Contains(body, "nota riservata") {
		t.Errorf("transcript = %q", body)
	}
}
