package handoff

import (
	"context"
	"testing"
	"time"
)

func TestMask(t *testing.T) {
	tests := []struct{ in, want string }{
		{"scrivetemi a mario.rossi+urp@example.it grazie", "scrivetemi a [email] grazie"},
		{"il mio codice fiscale è RSSMRA80A01H501U", "il mio codice fiscale è [codice fiscale]"},
		{"cf rssmra80a01h501u per la tari", "cf [codice fiscale] per la tari"},
		{"rimborso sull'IBAN IT60 X054 2811 1010 0000 0123 456", "rimborso sull'IBAN [iban]"},
		{"rimborso su IT60X0542811101000000123456 per favore", "rimborso su [iban] per favore"},
		{"ho pagato con la carta 4111 1111 1111 1111 ieri", "ho pagato con la carta [numero carta] ieri"},
		{"chiamatemi al 333 1234567", "chiamatemi al [telefono]"},
		{"il mio numero è +39 0571 928230", "il mio numero è [telefono]"},
		{"fisso 0571-928-230 dopo le 18", "fisso [telefono] dopo le 18"},
		{"Mi chiamo Mario Rossi e vorrei sapere della tari", "Mi chiamo [nome] e vorrei sapere della tari"},
		{"buongiorno, mi chiamo giulia e ho un problema", "buongiorno, mi chiamo [nome] e ho un problema"},
		{"Sono Anna Verdi, abito in via Roma", "Sono [nome], abito in via Roma"},
		{"sono stato multato due volte", "sono stato multato due volte"},
		{"quanto costa la carta d'identità nel 2026?", "quanto costa la carta d'identità nel 2026?"},
		{"la tari costa 250 euro per 3 persone", "la tari costa 250 euro per 3 persone"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := Mask(tt.in); got != tt.want {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestUnansweredQuestionsAreRecordedMasked(t *testing.T) {
	f := newDesk(t, tuesdayMorning)
	u := NewUnanswered(f.store, nil)
	f.chat.Unanswered = u
	c := f.conv(t)
	f.ans.decision, f.ans.reason = "handoff", "no_match"
	f.chat.Send(context.Background(), c, "mi chiamo Mario, quando apre la piscina?", "", "")
	f.ans.decision, f.ans.reason = "handoff", "asked_person"
	f.chat.Send(context.Background(), c, "voglio un operatore", "", "")
	f.ans.decision, f.ans.reason = "clarify", ""
	f.chat.Send(context.Background(), c, "certificato", "", "")
	f.ans.decision = "answer"
	f.chat.Send(context.Background(), c, "lascia stare, e la mensa?", "", "")
	qs, err := u.List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, q := range qs {
		got = append(got, q.Outcome+": "+q.Text)
	}
	want := []string{"no_match: mi chiamo [nome], quando apre la piscina?", "clarify_ignored: certificato"}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("recorded %q, want %q", got, want)
	}
}

func FuzzMask(f *testing.F) {
	for _, s := range []string{"mi chiamo Mario Rossi", "RSSMRA80A01H501U", "IT60X0542811101000000123456", "333 1234567", "a@b.it", "sono stato", "\xff\xfe", "💥 mi chiamo 💥", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		once := Mask(s)
		if twice := Mask(once); twice != once {
			t.Errorf("masking twice changes the text: %q → %q → %q", s, once, twice)
		}
	})
}

func TestUnansweredRetention(t *testing.T) {
	s, _ := openStore(t)
	u := NewUnanswered(s, nil)
	clk := &fakeClock{t: tuesdayMorning}
	u.Now = clk.Now
	u.add(Question{Text: "vecchia", Outcome: OutcomeNoMatch})
	clk.Add(48 * time.Hour)
	u.add(Question{Text: "nuova", Outcome: OutcomeNoMatch})
	n, err := u.DeleteBefore(context.Background(), tuesdayMorning.Add(24*time.Hour))
	qs, _ := u.List(context.Background())
	if err != nil || n != 1 || len(qs) != 1 || qs[0].Text != "nuova" {
		t.Errorf("deleted %d (%v), left %+v", n, err, qs)
	}
}
