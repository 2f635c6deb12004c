package handoff

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/sportello/sportello"
)

func (t *Tickets) messageID(tk Ticket, kind string) string {
	return fmt.Sprintf("<%s.%s.%s@%s>", strings.ToLower(tk.Number), kind, randomString(9), t.MailDomain)
}

func (t *Tickets) confirmation(tk Ticket, token string, now time.Time) Email {
	var b strings.Builder
	fmt.Fprintf(&b, "Gentile %s %s,\n\n", tk.FirstName, tk.LastName)
	fmt.Fprintf(&b, "abbiamo ricevuto la tua richiesta al %s.\n\n", t.Comune)
	fmt.Fprintf(&b, "Numero: %s\nServizio: %s\nRicevuta il: %s\n\nIl tuo messaggio:\n%s\n\n", tk.Number, tk.Service, ItalianDay(now), tk.Text)
	fmt.Fprintf(&b, "%s Ti risponderemo a questo indirizzo email entro %d giorni lavorativi.\n\n", t.Calendar.Sentence(now), t.DueDays)
	fmt.Fprintf(&b, "Puoi vedere lo stato della richiesta e la risposta a questo indirizzo (non condividerlo: è solo tuo):\n%s\n\n", t.StatusURL(token))
	fmt.Fprintf(&b, "Questa email è inviata in automatico: non rispondere a questo messaggio.\n\n%s\nUfficio Relazioni con il Pubblico\n", t.Comune)
	return Email{
		MessageID: t.messageID(tk, "ricevuta"), To: tk.Email, ToName: tk.FirstName + " " + tk.LastName, Ticket: tk.Number,
		Subject: fmt.Sprintf("Richiesta %s ricevuta - %s", tk.Number, t.Comune), Body: b.String(),
		CreatedAt: now.UTC(), NextAt: now.UTC(),
	}
}

func (t *Tickets) replyEmail(tk Ticket, now time.Time) Email {
	var b strings.Builder
	fmt.Fprintf(&b, "Gentile %s %s,\n\n", tk.FirstName, tk.LastName)
	fmt.Fprintf(&b, "ecco la risposta alla tua richiesta %s (%s):\n\n%s\n\n", tk.Number, tk.Service, tk.Reply)
	fmt.Fprintf(&b, "%s\nUfficio Relazioni con il Pubblico\n\n", tk.RepliedBy)
	fmt.Fprintf(&b, "La tua richiesta era:\n%s\n\n", tk.Text)
	fmt.Fprintf(&b, "Questa email è inviata in automatico: non rispondere a questo messaggio. Per altre domande scrivi all'assistente sul sito del %s.\n", t.Comune)
	return Email{
		MessageID: t.messageID(tk, "risposta"), To: tk.Email, ToName: tk.FirstName + " " + tk.LastName, Ticket: tk.Number,
		Subject: fmt.Sprintf("Risposta alla richiesta %s - %s", tk.Number, t.Comune), Body: b.String(),
		CreatedAt: now.UTC(), NextAt: now.UTC(),
	}
}

// SendTranscript emails a chat to the citizen who asks for it: the
// messages they could see, with who wrote them and when.
func (t *Tickets) SendTranscript(ctx context.Context, convID, email string, consent bool) error {
	fields := map[string]string{}
	if strings.ContainsAny(email, "\r\n") || !validEmail(strings.TrimSpace(email)) {
		fields["email"] = "Email: scrivi un indirizzo valido, come nome@esempio.it."
	}
	if !consent {
		fields["consent"] = "Privacy: per inviarti la conversazione serve il consenso al trattamento dell'indirizzo email."
	}
	if len(fields) > 0 {
		e := sportello.Errorf(sportello.EINVALID, "Controlla i campi segnalati.")
		e.Fields = fields
		return e
	}
	email = strings.TrimSpace(email)
	now := t.Now()
	err := t.Store.db.Update(func(tx *bolt.Tx) error {
		if _, err := getConversation(tx, convID); err != nil {
			return err
		}
		var b strings.Builder
		fmt.Fprintf(&b, "Ecco la tua conversazione con il %s.\n\n", t.Comune)
		if mb := tx.Bucket(bucketMessages).Bucket([]byte(convID)); mb != nil {
			err := mb.ForEach(func(_, v []byte) error {
				var m Message
				if err := json.Unmarshal(v, &m); err != nil {
					return err
				}
				if m.Internal {
					return nil
				}
				who := map[Role]string{RoleCitizen: "Tu", RoleAssistant: "Assistente virtuale", RoleOperator: "Operatore", RoleSystem: "Avviso"}[m.Role]
				if m.Role == RoleOperator && m.Author != "" {
					who = m.Author
				}
				fmt.Fprintf(&b, "[%s] %s:\n%s\n\n", m.CreatedAt.In(Rome()).Format("02/01 15:04"), who, m.Text)
				return nil
			})
			if err != nil {
				return err
			}
		}
		fmt.Fprintf(&b, "Questa email è inviata in automatico su tua richiesta: non rispondere a questo messaggio.\n\n%s\nUfficio Relazioni con il Pubblico\n", t.Comune)
		e := Email{
			MessageID: fmt.Sprintf("<%s.trascrizione.%s@%s>", strings.ToLower(convID), randomString(9), t.MailDomain),
			To:        email, Subject: "La tua conversazione con il " + t.Comune, Body: b.String(),
			CreatedAt: now.UTC(), NextAt: now.UTC(),
		}
		return enqueueTx(tx, &e)
	})
	if err != nil {
		return fmt.Errorf("transcript of %s: %w", convID, err)
	}
	t.Log.Info("transcript enqueued", "conversation", convID)
	t.Enqueued()
	return nil
}
