package handoff

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sportello/sportello"
)

func openStore(t *testing.T) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "sportello.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, path
}

func TestConversationTokens(t *testing.T) {
	s, _ := openStore(t)
	ctx := context.Background()
	c, token, err := s.CreateConversation(ctx)
	if err != nil {
		t.Fatal(err)
	}
	other, otherToken, _ := s.CreateConversation(ctx)
	if _, err := s.Authenticate(ctx, c.ID, token); err != nil {
		t.Fatalf("own token refused: %v", err)
	}
	tests := []struct{ name, id, token string }{
		{"wrong token", c.ID, "nope"},
		{"empty token", c.ID, ""},
		{"another conversation's token", c.ID, otherToken},
		{"unknown conversation", "c_missing", token},
		{"token of c on other", other.ID, token},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := s.Authenticate(ctx, tt.id, tt.token); sportello.ErrorCode(err) != sportello.ENOTFOUND {
				t.Errorf("got %v, want not found", err)
			}
		})
	}
}

func TestAppendIsOrderedAndIdempotent(t *testing.T) {
	s, _ := openStore(t)
	ctx := context.Background()
	c, _, _ := s.CreateConversation(ctx)
	first, created, err := s.Append(ctx, c.ID, []Message{{Role: RoleCitizen, Text: "ciao", ClientID: "a1"}}, nil)
	if err != nil || !created {
		t.Fatalf("append: %v %v", created, err)
	}
	if _, _, err := s.Append(ctx, c.ID, []Message{{Role: RoleAssistant, Text: "risposta"}}, json.RawMessage(`{"card_id":"x"}`)); err != nil {
		t.Fatal(err)
	}
	again, created, err := s.Append(ctx, c.ID, []Message{{Role: RoleCitizen, Text: "ciao", ClientID: "a1"}}, nil)
	if err != nil || created {
		t.Fatalf("retry created a message: %v %v", created, err)
	}
	if len(again) != 2 || again[0].Seq != first[0].Seq || again[1].Text != "risposta" {
		t.Fatalf("retry returned %+v", again)
	}
	msgs, err := s.Messages(ctx, c.ID, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(msgs), 2; got != want {
		t.Fatalf("messages: got %d, want %d", got, want)
	}
	after, _ := s.Messages(ctx, c.ID, 1, 100)
	if len(after) != 1 || after[0].Seq != 2 {
		t.Errorf("after=1: got %+v", after)
	}
	conv, _ := s.Conversation(ctx, c.ID)
	if string(conv.Context) != `{"card_id":"x"}` || conv.LastSeq != 2 {
		t.Errorf("conversation after appends: %+v", conv)
	}
}

func TestConcurrentAppendsGetDistinctSeqs(t *testing.T) {
	s, _ := openStore(t)
	ctx := context.Background()
	c, _, _ := s.CreateConversation(ctx)
	var wg sync.WaitGroup
	for i := 0; i < 50; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, _, err := s.Append(ctx, c.ID, []Message{{Role: RoleCitizen, Text: "x"}}, nil); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	msgs, _ := s.Messages(ctx, c.ID, 0, 1000)
	if len(msgs) != 50 {
		t.Fatalf("got %d messages, want 50", len(msgs))
	}
	for i, m := range msgs {
		if m.Seq != uint64(i+1) {
			t.Fatalf("message %d has seq %d", i, m.Seq)
		}
	}
}

func TestMessagesSurviveReopen(t *testing.T) {
	s, path := openStore(t)
	ctx := context.Background()
	c, token, _ := s.CreateConversation(ctx)
	s.Append(ctx, c.ID, []Message{{Role: RoleCitizen, Text: "la tari"}}, nil)
	s.Close()
	s2, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if _, err := s2.Authenticate(ctx, c.ID, token); err != nil {
		t.Fatal(err)
	}
	msgs, _ := s2.Messages(ctx, c.ID, 0, 10)
	if len(msgs) != 1 || msgs[0].Text != "la tari" {
		t.Fatalf("after reopen: %+v", msgs)
	}
}

func TestFeedback(t *testing.T) {
	s, _ := openStore(t)
	ctx := context.Background()
	c, _, _ := s.CreateConversation(ctx)
	s.Append(ctx, c.ID, []Message{{Role: RoleCitizen, Text: "q"}, {Role: RoleAssistant, Text: "a"}}, nil)
	if _, err := s.SetFeedback(ctx, c.ID, 2, false); err != nil {
		t.Fatal(err)
	}
	msgs, _ := s.Messages(ctx, c.ID, 1, 1)
	if msgs[0].Useful == nil || *msgs[0].Useful {
		t.Errorf("feedback not stored: %+v", msgs[0])
	}
	if _, err := s.SetFeedback(ctx, c.ID, 1, true); sportello.ErrorCode(err) != sportello.EINVALID {
		t.Errorf("feedback on a citizen message: got %v", err)
	}
	if _, err := s.SetFeedback(ctx, c.ID, 9, true); sportello.ErrorCode(err) != sportello.ENOTFOUND {
		t.Errorf("feedback on a missing message: got %v", err)
	}
}

func TestRetentionDeletesOldConversations(t *testing.T) {
	s, _ := openStore(t)
	ctx := context.Background()
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	s.Now = func() time.Time { return now }
	old, oldToken, _ := s.CreateConversation(ctx)
	s.Append(ctx, old.ID, []Message{{Role: RoleCitizen, Text: "vecchio", ClientID: "k"}}, nil)
	now = now.AddDate(1, 1, 0)
	fresh, freshToken, _ := s.CreateConversation(ctx)
	s.Append(ctx, fresh.ID, []Message{{Role: RoleCitizen, Text: "nuovo"}}, nil)
	n, err := s.DeleteBefore(ctx, now.AddDate(-1, 0, 0))
	if err != nil || n != 1 {
		t.Fatalf("deleted %d, %v; want 1", n, err)
	}
	if _, err := s.Authenticate(ctx, old.ID, oldToken); sportello.ErrorCode(err) != sportello.ENOTFOUND {
		t.Errorf("old conversation still there: %v", err)
	}
	if msgs, _ := s.Messages(ctx, old.ID, 0, 10); len(msgs) != 0 {
		t.Errorf("old messages still there: %v", msgs)
	}
	if _, err := s.Authenticate(ctx, fresh.ID, freshToken); err != nil {
		t.Errorf("fresh conversation deleted: %v", err)
	}
}

func TestValidateText(t *testing.T) {
	tests := []struct {
		name string
		in   string
		ok   bool
	}{
		{"normal", "come pago la tari?", true},
		{"trimmed", "  ciao  ", true},
		{"empty", "", false},
		{"spaces", "   \n\t", false},
		{"too long", string(make([]rune, 2001)), false},
		{"2000 accented letters", strings.Repeat("è", 2000), true},
		{"invalid utf-8", "a\xffb", false},
	}
	for _, tt := range tests {
		_, err := ValidateText(tt.in)
		if (err == nil) != tt.ok {
			t.Errorf("%s: got err %v, want ok=%v", tt.name, err, tt.ok)
		}
	}
}
