package handoff

import (
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/sportello/sportello"
)

func TestPrivacyFindsAndErasesOnePersonOnly(t *testing.T) {
	tk, o, _, clk, s := newTickets(t)
	ctx := context.Background()
	chat := func(text string) string {
		c, _, _ := s.CreateConversation(ctx)
		s.Append(ctx, c.ID, []Message{{Role: RoleCitizen, Text: text}, {Role: RoleAssistant, Text: "Non ho trovato una risposta sicura."}}, nil)
		return c.ID
	}
	maria := goodRequest()
	first, _, err := tk.Create(ctx, chat("ho ricevuto due avvisi tari per la casa di via Roma"), maria)
	if err != nil {
		t.Fatal(err)
	}
	tk.Reply(ctx, first.Number, "mario", "Mario Rossi", "Gentile signora Bianchi, il secondo avviso è un errore.")
	tk.AddNote(ctx, first.Number, "mario", "La signora Bianchi ha chiamato due volte.")
	maria.Email = "Maria.Bianchi@Example.it" // the same address, written otherwise
	second, _, err := tk.Create(ctx, "", maria)
	if err != nil {
		t.Fatal(err)
	}
	other := goodRequest()
	other.FirstName, other.LastName, other.Email = "Luca", "Verdi", "luca.verdi@example.it"
	otherChat := chat("quanto costa la mensa")
	luca, _, err := tk.Create(ctx, otherChat, other)
	if err != nil {
		t.Fatal(err)
	}
	anonymous := chat("orari della biblioteca")
	o.DeliverDue(ctx)

	var logs strings.Builder
	p := &Privacy{Store: s, Now: clk.Now, Log: slog.New(slog.NewJSONHandler(&logs, nil))}

	t.Run("found by email address, in any case", func(t *testing.T) {
		d, err := p.Find(ctx, " maria.bianchi@EXAMPLE.it ")
		if err != nil {
			t.Fatal(err)
		}
		var numbers []string
		for _, x := range d.Tickets {
			numbers = append(numbers, x.Number)
		}
		if strings.Join(numbers, ",") != first.Number+","+second.Number {
			t.Errorf("requests: got %v, want %s and %s", numbers, first.Number, second.Number)
		}
		if len(d.Conversations) != 1 || len(d.Conversations[0].Messages) != 2 || !strings.Contains(d.Conversations[0].Messages[0].Text, "due avvisi tari") {
			t.Errorf("chats: got %+v, want the one the first request came from", d.Conversations)
		}
		// Two confirmations and the reply.
		if len(d.Emails) != 3 {
			t.Errorf("emails: got %d, want 3", len(d.Emails))
		}
		if _, err := json.Marshal(d); err != nil {
			t.Errorf("the export does not encode: %v", err)
		}
	})

	t.Run("found by request number", func(t *testing.T) {
		d, err := p.Find(ctx, strings.ToLower(luca.Number))
		if err != nil || len(d.Tickets) != 1 || d.Tickets[0].Email != "luca.verdi@example.it" || len(d.Conversations) != 1 {
			t.Errorf("got %+v, %v, want Luca's request and chat", d, err)
		}
	})

	t.Run("nothing to search for", func(t *testing.T) {
		for _, q := range []string{"", "   ", "maria bianchi"} {
			if _, err := p.Find(ctx, q); sportello.ErrorCode(err) != sportello.EINVALID {
				t.Errorf("%q: got %v, want an invalid search", q, err)
			}
		}
		if d, err := p.Find(ctx, "nessuno@example.it"); err != nil || !d.Empty() {
			t.Errorf("an unknown address: got %+v, %v", d, err)
		}
	})

	t.Run("not while the chat is with an operator", func(t *testing.T) {
		s.Update(ctx, otherChat, func(c *Conversation) error { c.State = StateQueued; return nil })
		if _, err := p.Erase(ctx, luca.Number, "admin"); sportello.ErrorCode(err) != sportello.ECONFLICT {
			t.Errorf("got %v, want a conflict", err)
		}
		s.Update(ctx, otherChat, func(c *Conversation) error { c.State = StateAssistant; return nil })
		if got, _ := tk.ByNumber(ctx, luca.Number); got.Email == "" {
			t.Error("the refused erasure erased")
		}
	})

	t.Run("erased: the person goes, the records stay", func(t *testing.T) {
		if _, err := p.Erase(ctx, "maria.bianchi@example.it", "admin"); err != nil {
			t.Fatal(err)
		}
		if d, _ := p.Find(ctx, "maria.bianchi@example.it"); !d.Empty() {
			t.Errorf("still found after erasure: %+v", d)
		}
		for _, number := range []string{first.Number, second.Number} {
			got, err := tk.ByNumber(ctx, number)
			if err != nil {
				t.Fatalf("the request %s itself is gone: %v", number, err)
			}
			blob, _ := json.Marshal(got)
			for _, personal := range []string{"Maria", "Bianchi", "maria.bianchi", "333 123", "due avvisi", "via Roma", "secondo avviso", "chiamato"} {
				if strings.Contains(strings.ToLower(string(blob)), strings.ToLower(personal)) {
					t.Errorf("%s still holds %q: %s", number, personal, blob)
				}
			}
			if got.State != TicketClosed {
				t.Errorf("%s is %s after erasure, want closed: nobody is left to answer", number, got.State)
			}
			if got.ErasedAt.IsZero() || got.Service != first.Service || got.CreatedAt.IsZero() {
				t.Errorf("%s: erased at %v, service %q, created %v: the record must stay", number, got.ErasedAt, got.Service, got.CreatedAt)
			}
		}
		if _, err := tk.Reply(ctx, first.Number, "mario", "Mario Rossi", "Un'altra risposta."); sportello.ErrorCode(err) != sportello.ECONFLICT {
			t.Errorf("a reply to an erased request: got %v, want a conflict (there is no address any more)", err)
		}
		if _, err := s.Conversation(ctx, first.ConvID); sportello.ErrorCode(err) != sportello.ENOTFOUND {
			t.Errorf("the chat of the request is still there (%v)", err)
		}
		if msgs, _ := s.Messages(ctx, first.ConvID, 0, 100); len(msgs) != 0 {
			t.Errorf("%d messages of the erased chat remain", len(msgs))
		}
		if pending, _ := o.Pending(ctx); len(pending) != 0 {
			t.Errorf("emails still queued: %v", pending)
		}
		// Nobody else is touched.
		if got, _ := tk.ByNumber(ctx, luca.Number); got.Email != "luca.verdi@example.it" || !got.ErasedAt.IsZero() {
			t.Errorf("Luca's request changed: %+v", got)
		}
		for _, id := range []string{otherChat, anonymous} {
			if msgs, _ := s.Messages(ctx, id, 0, 100); len(msgs) != 2 {
				t.Errorf("another chat lost messages: %d", len(msgs))
			}
		}
		if d, _ := p.Find(ctx, "luca.verdi@example.it"); len(d.Emails) != 1 {
			t.Errorf("Luca's confirmation: got %d emails, want 1", len(d.Emails))
		}
		if !strings.Contains(logs.String(), first.Number) || strings.Contains(logs.String(), "bianchi") {
			t.Errorf("the log must name the requests and not the person: %s", logs.String())
		}
	})

	t.Run("retention still works after an erasure, sent emails included", func(t *testing.T) {
		// One email is still to be sent: it stays, whatever its age.
		tk.Create(ctx, "", goodRequest())
		clk.Add(400 * 24 * time.Hour)
		if _, err := s.DeleteBefore(ctx, clk.Now()); err != nil {
			t.Fatal(err)
		}
		if msgs, _ := s.Messages(ctx, anonymous, 0, 100); len(msgs) != 0 {
			t.Error("retention left an old chat")
		}
		n, err := o.DeleteSentBefore(ctx, clk.Now())
		if err != nil {
			t.Fatal(err)
		}
		if n != 1 {
			t.Errorf("sent emails deleted: %d, want Luca's confirmation", n)
		}
		if pending, _ := o.Pending(ctx); len(pending) != 1 {
			t.Errorf("the email not yet sent: %d pending, want 1", len(pending))
		}
	})
}
