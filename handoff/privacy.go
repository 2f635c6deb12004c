package handoff

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/sportello/sportello"
)

// A citizen may ask the comune what Sportello holds about them and have
// it erased (GDPR, articles 15 and 17). A person is known to Sportello
// only through a written request: its name, email address and phone,
// the chat it came from, and the emails sent to them. A chat that never
// became a request holds no name or address, cannot be told to belong
// to anyone, and is deleted by retention.

// Privacy finds and erases one person's data.
type Privacy struct {
	Store *Store
	Now   func() time.Time
	Log   *slog.Logger
}

// PersonalData is what Sportello holds about one person.
type PersonalData struct {
	// Query is the email address or request number searched for.
	Query         string               `json:"ricerca"`
	Tickets       []Ticket             `json:"richieste"`
	Conversations []ConversationRecord `json:"conversazioni"`
	Emails        []Email              `json:"email"`
}

// ConversationRecord is a chat with its messages.
type ConversationRecord struct {
	Conversation Conversation `json:"conversazione"`
	Messages     []Message    `json:"messaggi"`
}

// Empty reports whether nothing was found.
func (d PersonalData) Empty() bool {
	return len(d.Tickets) == 0 && len(d.Conversations) == 0 && len(d.Emails) == 0
}

// erasedText stands where a person's words were.
const erasedText = "[cancellato su richiesta dell'interessato]"

// Find gathers what Sportello holds about the person with this email
// address, or who made the request with this number.
func (p *Privacy) Find(ctx context.Context, query string) (PersonalData, error) {
	q, err := privacyQuery(query)
	if err != nil {
		return PersonalData{}, err
	}
	var out PersonalData
	err = p.Store.db.View(func(tx *bolt.Tx) error {
		var err error
		out, err = findTx(tx, q)
		return err
	})
	return out, err
}

// privacyQuery checks and normalises what the admin typed.
func privacyQuery(query string) (string, error) {
	q := strings.ToLower(strings.TrimSpace(query))
	if q == "" || len(q) > 320 || strings.ContainsAny(q, " \t\r\n") {
		return "", sportello.Errorf(sportello.EINVALID, "Scrivi un indirizzo email (mario.rossi@example.it) o il numero di una richiesta (URP-2026-000123).")
	}
	return q, nil
}

func findTx(tx *bolt.Tx, q string) (PersonalData, error) {
	out := PersonalData{Query: q}
	byEmail := strings.Contains(q, "@")
	numbers := map[string]bool{}
	if b := tx.Bucket(bucketTickets); b != nil {
		err := b.ForEach(func(_, v []byte) error {
			var tk Ticket
			if err := json.Unmarshal(v, &tk); err != nil {
				return err
			}
			if byEmail && strings.EqualFold(tk.Email, q) || !byEmail && strings.EqualFold(tk.Number, q) {
				out.Tickets = append(out.Tickets, tk)
				numbers[tk.Number] = true
			}
			return nil
		})
		if err != nil {
			return out, fmt.Errorf("find tickets: %w", err)
		}
	}
	for _, tk := range out.Tickets {
		if tk.ConvID == "" {
			continue
		}
		c, err := getConversation(tx, tk.ConvID)
		if err != nil {
			continue // deleted by retention: the request keeps its transcript
		}
		rec := ConversationRecord{Conversation: c}
		if mb := tx.Bucket(bucketMessages).Bucket([]byte(c.ID)); mb != nil {
			err := mb.ForEach(func(_, v []byte) error {
				var m Message
				if err := json.Unmarshal(v, &m); err != nil {
					return err
				}
				rec.Messages = append(rec.Messages, m)
				return nil
			})
			if err != nil {
				return out, fmt.Errorf("find messages: %w", err)
			}
		}
		out.Conversations = append(out.Conversations, rec)
	}
	if b := tx.Bucket(bucketOutbox); b != nil {
		err := b.ForEach(func(_, v []byte) error {
			var e Email
			if err := json.Unmarshal(v, &e); err != nil {
				return err
			}
			if byEmail && strings.EqualFold(e.To, q) || numbers[e.Ticket] {
				out.Emails = append(out.Emails, e)
			}
			return nil
		})
		if err != nil {
			return out, fmt.Errorf("find emails: %w", err)
		}
	}
	return out, nil
}

// Erase removes what Find finds for query, in one transaction: the chats
// and the emails are deleted; each request keeps its number, service and
// dates (the comune's record that it was made and answered), loses
// everything that tells who made it or what they wrote, and is closed.
// by is the admin who erased, for the log.
func (p *Privacy) Erase(ctx context.Context, query, by string) (PersonalData, error) {
	q, err := privacyQuery(query)
	if err != nil {
		return PersonalData{}, err
	}
	var found PersonalData
	now := p.Now().UTC()
	err = p.Store.db.Update(func(tx *bolt.Tx) error {
		var err error
		if found, err = findTx(tx, q); err != nil {
			return err
		}
		for _, rec := range found.Conversations {
			if rec.Conversation.State != StateAssistant {
				return sportello.Errorf(sportello.ECONFLICT, "Una conversazione di questa persona è ancora con un operatore o in coda: chiudila, poi cancella i dati.")
			}
		}
		for _, tk := range found.Tickets {
			tk.FirstName, tk.LastName, tk.Email, tk.Phone = "", "", "", ""
			tk.Text, tk.Reply = erasedText, ""
			if tk.RepliedBy != "" {
				tk.Reply = erasedText
			}
			tk.Notes, tk.Transcript = nil, nil
			tk.ErasedAt, tk.UpdatedAt = now, now
			// Nobody is left to answer: an open request would stay
			// overdue in the operators' list for ever.
			tk.State = TicketClosed
			if err := putTicket(tx, tk); err != nil {
				return err
			}
		}
		for _, rec := range found.Conversations {
			if err := deleteConversationTx(tx, rec.Conversation); err != nil {
				return err
			}
		}
		for _, e := range found.Emails {
			key := seqKey(e.ID)
			if err := tx.Bucket(bucketOutbox).Delete(key); err != nil {
				return err
			}
			if pb := tx.Bucket(bucketPending); pb != nil {
				if err := pb.Delete(key); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return PersonalData{}, fmt.Errorf("erase personal data: %w", err)
	}
	var numbers []string
	for _, tk := range found.Tickets {
		numbers = append(numbers, tk.Number)
	}
	// The log names the requests, never the person.
	p.Log.Info("personal data erased on request", "by", by, "tickets", numbers,
		"conversations", len(found.Conversations), "emails", len(found.Emails))
	return found, nil
}
