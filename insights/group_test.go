package insights

import (
	"strings"
	"testing"

	"github.com/sportello/sportello/handoff"
)

func TestGroupingByMeaning(t *testing.T) {
	now := at("2026-11-24 12:00")
	q := func(id uint64, daysAgo int, text string) handoff.Question {
		return handoff.Question{ID: id, At: now.AddDate(0, 0, -daysAgo), Text: text}
	}
	qs := []handoff.Question{
		q(1, 1, "quando apre la piscina comunale?"),
		q(2, 2, "orari della piscina comunale"),
		q(3, 3, "la piscina è aperta d'estate?"),
		q(4, 10, "vorrei sapere gli orari delle piscine"),
		q(5, 1, "dove si fa il tesserino per la pesca?"),
		q(6, 9, "tesserino pesca sportiva"),
		q(7, 2, "il mio vicino fa rumore di notte"),
		{ID: 8, At: now, Text: "piscina comunale", Ignored: true},
	}
	groups := NewGrouper().Group(qs, now)
	var got []string
	for _, g := range groups {
		var ids []string
		for _, q := range g.Questions {
			ids = append(ids, itoa(int(q.ID)))
		}
		got = append(got, strings.Join(ids, ","))
	}
	want := []string{"1,2,3,4", "5,6", "7"}
	if strings.Join(got, " | ") != strings.Join(want, " | ") {
		t.Errorf("groups = %v, want %v", got, want)
	}
	if len(groups) == 3 {
		if k := groups[0].Key; len(k) == 0 || k[0] != "piscin" {
			t.Errorf("key = %v", k)
		}
		if groups[0].Recent != 3 || groups[0].Before != 1 || groups[0].Trend() != "in aumento" {
			t.Errorf("trend: %d recent, %d before, %s", groups[0].Recent, groups[0].Before, groups[0].Trend())
		}
	}
}
