package handoff

import (
	"strings"
	"testing"
	"time"
)

func rome(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, Rome())
	if err != nil {
		panic(err)
	}
	return t
}

func TestEasterMondayIsClosed2024To2035(t *testing.T) {
	c := DefaultCalendar()
	easterMondays := []string{"2024-04-01", "2025-04-21", "2026-04-06", "2027-03-29", "2028-04-17", "2029-04-02",
		"2030-04-22", "2031-04-14", "2032-03-29", "2033-04-18", "2034-04-10", "2035-03-26"}
	for _, d := range easterMondays {
		at := rome(d + " 10:00")
		if c.IsOpen(at) || c.Holiday(at) != "Lunedì dell'Angelo" {
			t.Errorf("%s: open=%v holiday=%q, want closed for Easter Monday", d, c.IsOpen(at), c.Holiday(at))
		}
		if !c.IsOpen(at.AddDate(0, 0, 1)) {
			t.Errorf("the Tuesday after Easter Monday %s is closed", d)
		}
	}
}

func TestNationalHolidaysEveryYear(t *testing.T) {
	c := DefaultCalendar()
	for y := 2024; y <= 2035; y++ {
		for _, md := range []string{"01-01", "01-06", "04-25", "05-01", "06-02", "08-15", "11-01", "12-08", "12-25", "12-26", "06-24"} {
			at := rome(strings.Join([]string{itoa(y), md}, "-") + " 12:00")
			if c.IsOpen(at) {
				t.Errorf("%d-%s is a holiday but the office is open", y, md)
			}
		}
		oct4 := rome(itoa(y) + "-10-04 12:00")
		wantClosed := y >= 2026 || oct4.Weekday() == time.Sunday
		if c.IsOpen(oct4) == wantClosed {
			t.Errorf("%d-10-04 (%s): open=%v, San Francesco is a holiday from 2026", y, oct4.Weekday(), c.IsOpen(oct4))
		}
	}
}

func itoa(n int) string { return time.Date(n, 1, 1, 0, 0, 0, 0, time.UTC).Format("2006") }

func TestIsOpenAndNext(t *testing.T) {
	c := DefaultCalendar()
	tests := []struct {
		name     string
		at       string
		open     bool
		next     string // next opening if closed, closing if open
		cal      *Calendar
		sentence string
	}{
		{"weekday morning", "2026-11-24 09:00", true, "2026-11-24 20:00", c, "fino alle 20:00"},
		{"weekday night", "2026-11-24 21:00", false, "2026-11-25 08:00", c, "Riapriamo domani alle 8:00"},
		{"saturday evening to monday", "2021-03-27 21:00", false, "2021-03-29 08:00", c, "Riapriamo lunedì 29 marzo alle 8:00"},
		{"early morning today", "2026-11-24 06:00", false, "2026-11-24 08:00", c, "Riapriamo oggi alle 8:00"},
		{"christmas eve to 27 dec", "2026-12-24 21:00", false, "2026-12-28 08:00", c, "Riapriamo lunedì 28 dicembre alle 8:00"},
		{"holiday on sunday: 25 apr 2027, monday is open", "2027-04-26 09:00", true, "2027-04-26 20:00", c, ""},
		{"patron saint", "2026-06-24 10:00", false, "2026-06-25 08:00", c, ""},
		{"spring forward day (sunday, closed)", "2026-03-29 10:00", false, "2026-03-30 08:00", c, ""},
		{"fall back saturday", "2026-10-24 19:59", true, "2026-10-24 20:00", c, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			at := rome(tt.at)
			if got := tt.cal.IsOpen(at); got != tt.open {
				t.Fatalf("IsOpen: got %v, want %v", got, tt.open)
			}
			var next time.Time
			if tt.open {
				next, _ = tt.cal.NextClosing(at)
			} else {
				next, _ = tt.cal.NextOpening(at)
			}
			if got := next.In(Rome()).Format("2006-01-02 15:04"); got != tt.next {
				t.Errorf("next: got %s, want %s", got, tt.next)
			}
			if s := tt.cal.Sentence(at); !strings.Contains(s, tt.sentence) || !strings.HasPrefix(s, "Gli operatori rispondono dal lunedì al sabato, 8:00–20:00") {
				t.Errorf("sentence %q lacks %q", s, tt.sentence)
			}
		})
	}
}

func TestConfiguredCalendar(t *testing.T) {
	c, err := HoursConfig{
		Week: map[string][]string{
			"lun": {"08:00-13:00", "14:30-18:00"}, "mar": {"08:00-13:00", "14:30-18:00"},
			"ven": {"20:00-02:00"}, "sab": {"22:00-02:00"},
		},
		Patron:  "29-06",
		Closed:  []string{"08-10/08-14", "2026-12-31"},
		Special: map[string][]string{"12-24": {"08:00-12:00"}},
	}.Calendar()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		at   string
		open bool
	}{
		{"2026-11-23 13:30", false}, // Monday lunch break
		{"2026-11-23 14:30", true},
		{"2026-11-23 18:00", false},
		{"2026-11-28 01:30", true},  // Friday's range past midnight
		{"2026-11-28 02:00", false}, // closed at 02:00 Saturday
		{"2026-03-29 01:59", true},  // Saturday 22:00-02:00 across the DST switch
		{"2026-03-29 03:30", false}, // 02:00 does not exist that night: closed at 03:00 CEST
		{"2026-10-25 02:30", false}, // fall back night, Saturday's range ended at the first 02:00
		{"2026-06-29 10:00", false}, // patron saint (a Monday)
		{"2026-08-10 10:00", false}, // yearly closure
		{"2027-08-11 20:30", false}, // yearly closure, next year too (a Wednesday anyway)
		{"2026-12-31 20:30", false}, // a one-off closure (Thursday: closed anyway)
		{"2026-12-24 10:00", true},  // special hours on a Thursday that is normally closed
		{"2026-12-24 12:30", false},
	}
	for _, tt := range tests {
		if got := c.IsOpen(rome(tt.at)); got != tt.open {
			t.Errorf("%s: open=%v, want %v", tt.at, got, tt.open)
		}
	}
	if got := c.WeekText(); got != "il lunedì e il martedì, 8:00–13:00 e 14:30–18:00; il venerdì, 20:00–2:00; il sabato, 22:00–2:00" {
		t.Errorf("week text: %q", got)
	}
}

func TestHoursConfigErrors(t *testing.T) {
	_, err := HoursConfig{Week: map[string][]string{"lunedi": {"8-13"}, "mar": {"25:00-26:00"}}, Patron: "31-02", Closed: []string{"domani"}}.Calendar()
	if err == nil {
		t.Fatal("bad hours accepted")
	}
	for _, want := range []string{`giorno "lunedi"`, `fascia oraria "25:00-26:00"`, `patrono "31-02"`, `data "domani"`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
}

func TestNeverOpen(t *testing.T) {
	c := &Calendar{Loc: Rome()}
	if _, ok := c.NextOpening(rome("2026-01-01 00:00")); ok {
		t.Error("a calendar with no hours opens")
	}
}

func TestAddWorkingDays(t *testing.T) {
	c := DefaultCalendar()
	tests := []struct {
		name, from, want string
		n                int
	}{
		{"two days on", "2026-11-24 10:00", "2026-11-26T23:59", 2},
		{"Saturday counts, Sunday does not", "2026-11-27 19:00", "2026-11-30T23:59", 2},
		{"over Christmas: 25 and 26 December and Sunday 27 skipped", "2026-12-24 10:00", "2026-12-29T23:59", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := c.AddWorkingDays(rome(tt.from), tt.n).Format("2006-01-02T15:04")
			if got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}
