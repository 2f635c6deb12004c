package handoff

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // Europe/Rome whatever the host has installed

	"github.com/sportello/sportello"
)

// Range is an opening range within a day, in minutes from midnight. An
// End not after Start runs past midnight into the next day.
type Range struct {
	Start, End int
}

// ParseRange reads "08:00-13:00" (also with "–").
func ParseRange(s string) (Range, error) {
	a, b, ok := strings.Cut(strings.ReplaceAll(strings.TrimSpace(s), "–", "-"), "-")
	if !ok {
		return Range{}, fmt.Errorf("fascia oraria %q non valida: scrivila come 08:00-13:00", s)
	}
	start, err1 := parseClock(a)
	end, err2 := parseClock(b)
	if err1 != nil || err2 != nil || start == end {
		return Range{}, fmt.Errorf("fascia oraria %q non valida: scrivila come 08:00-13:00", s)
	}
	return Range{start, end}, nil
}

func parseClock(s string) (int, error) {
	h, m, ok := strings.Cut(strings.TrimSpace(s), ":")
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if !ok || err1 != nil || err2 != nil || hh < 0 || hh > 24 || mm < 0 || mm > 59 || hh == 24 && mm != 0 {
		return 0, fmt.Errorf("bad clock %q", s)
	}
	return hh*60 + mm, nil
}

func (r Range) String() string { return clock(r.Start) + "–" + clock(r.End%1440) }

func clock(m int) string { return fmt.Sprintf("%d:%02d", m/60, m%60) }

// day is a calendar date, free of time zones.
type day struct {
	y int
	m time.Month
	d int
}

func dayOf(t time.Time) day { return day{t.Year(), t.Month(), t.Day()} }

func (d day) add(n int) day {
	return dayOf(time.Date(d.y, d.m, d.d+n, 12, 0, 0, 0, time.UTC))
}

func (d day) weekday() time.Weekday {
	return time.Date(d.y, d.m, d.d, 12, 0, 0, 0, time.UTC).Weekday()
}

func (d day) before(o day) bool {
	return d.y < o.y || d.y == o.y && (d.m < o.m || d.m == o.m && d.d < o.d)
}

// DateRule matches a date or a range of dates, every year ("12-24",
// "08-10/08-14") or once ("2026-12-31", "2026-08-10/2026-08-14").
type DateRule struct {
	from, to day // y == 0: every year
}

// ParseDateRule reads the forms above. Recurring dates are "MM-DD".
func ParseDateRule(s string) (DateRule, error) {
	a, b, isRange := strings.Cut(strings.TrimSpace(s), "/")
	from, err := parseRuleDay(a)
	if err != nil {
		return DateRule{}, err
	}
	to := from
	if isRange {
		if to, err = parseRuleDay(b); err != nil {
			return DateRule{}, err
		}
		if (from.y == 0) != (to.y == 0) || from.y != 0 && to.before(from) {
			return DateRule{}, fmt.Errorf("intervallo di date %q non valido", s)
		}
	}
	return DateRule{from, to}, nil
}

func parseRuleDay(s string) (day, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return dayOf(t), nil
	}
	if t, err := time.Parse("01-02", s); err == nil {
		return day{0, t.Month(), t.Day()}, nil
	}
	return day{}, fmt.Errorf("data %q non valida: usa AAAA-MM-GG, oppure MM-GG per ogni anno", s)
}

func (r DateRule) matches(d day) bool {
	if r.from.y != 0 {
		return !d.before(r.from) && !r.to.before(d)
	}
	md := func(x day) int { return int(x.m)*100 + x.d }
	v, a, b := md(d), md(r.from), md(r.to)
	if a <= b {
		return v >= a && v <= b
	}
	return v >= a || v <= b // e.g. 12-24/01-06 across the new year
}

// Special replaces a date's opening hours; no ranges means closed.
type Special struct {
	Dates  DateRule
	Ranges []Range
}

// Calendar is a comune's office hours: when operators answer.
type Calendar struct {
	Loc  *time.Location
	Week [7][]Range // by time.Weekday
	// Patron is the patron saint's day, every year (Month 0: none).
	PatronMonth time.Month
	PatronDay   int
	// Specials override the week (closures, shorter days), first match wins.
	Specials []Special
}

// Rome is the time zone of every Italian comune.
func Rome() *time.Location {
	loc, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		panic(err) // embedded by time/tzdata
	}
	return loc
}

// DefaultCalendar is the demo comune's: Monday to Saturday 8:00–20:00,
// patron saint on 24 June.
func DefaultCalendar() *Calendar {
	c := &Calendar{Loc: Rome(), PatronMonth: time.June, PatronDay: 24}
	for d := time.Monday; d <= time.Saturday; d++ {
		c.Week[d] = []Range{{8 * 60, 20 * 60}}
	}
	return c
}

// easter returns Easter Sunday of a year (Gregorian computus).
func easter(y int) day {
	a := y % 19
	b, c := y/100, y%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	dd := (h+l-7*m+114)%31 + 1
	return day{y, time.Month(month), dd}
}

// Holiday names the national holiday or patron's day on d, or "".
func (c *Calendar) Holiday(t time.Time) string { return c.holiday(dayOf(t.In(c.Loc))) }

func (c *Calendar) holiday(d day) string {
	fixed := map[[2]int]string{
		{1, 1}: "Capodanno", {1, 6}: "Epifania", {4, 25}: "Festa della Liberazione",
		{5, 1}: "Festa del lavoro", {6, 2}: "Festa della Repubblica", {8, 15}: "Ferragosto",
		{11, 1}: "Ognissanti", {12, 8}: "Immacolata Concezione", {12, 25}: "Natale", {12, 26}: "Santo Stefano",
	}
	if n, ok := fixed[[2]int{int(d.m), d.d}]; ok {
		return n
	}
	if d.m == time.October && d.d == 4 && d.y >= 2026 {
		return "San Francesco d'Assisi"
	}
	if easter(d.y).add(1) == d {
		return "Lunedì dell'Angelo"
	}
	if c.PatronMonth != 0 && d.m == c.PatronMonth && d.d == c.PatronDay {
		return "festa del santo patrono"
	}
	return ""
}

// ranges returns the opening ranges that start on d.
func (c *Calendar) ranges(d day) []Range {
	for _, s := range c.Specials {
		if s.Dates.matches(d) {
			return s.Ranges
		}
	}
	if c.holiday(d) != "" {
		return nil
	}
	return c.Week[d.weekday()]
}

// interval is an opening in absolute time.
type interval struct{ from, to time.Time }

// intervals lists the openings that touch the days from..from+n, merged
// where one ends as the next begins.
func (c *Calendar) intervals(from day, n int) []interval {
	var out []interval
	for i := -1; i <= n; i++ {
		d := from.add(i)
		for _, r := range c.ranges(d) {
			start := time.Date(d.y, d.m, d.d, r.Start/60, r.Start%60, 0, 0, c.Loc)
			endDay := d
			if r.End <= r.Start {
				endDay = d.add(1)
			}
			end := time.Date(endDay.y, endDay.m, endDay.d, r.End/60, r.End%60, 0, 0, c.Loc)
			out = append(out, interval{start, end})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].from.Before(out[j].from) })
	merged := out[:0]
	for _, iv := range out {
		if k := len(merged) - 1; k >= 0 && !iv.from.After(merged[k].to) {
			if iv.to.After(merged[k].to) {
				merged[k].to = iv.to
			}
			continue
		}
		merged = append(merged, iv)
	}
	return merged
}

// IsOpen reports whether operators answer at t.
func (c *Calendar) IsOpen(t time.Time) bool {
	for _, iv := range c.intervals(dayOf(t.In(c.Loc)), 1) {
		if !t.Before(iv.from) && t.Before(iv.to) {
			return true
		}
	}
	return false
}

// searchDays bounds the search for the next opening: a calendar closed
// for longer than a year is treated as never opening.
const searchDays = 400

// NextOpening returns the next time after t when the office opens (after
// the current opening ends, if it is open now); ok is false if it never
// opens.
func (c *Calendar) NextOpening(t time.Time) (time.Time, bool) {
	for _, iv := range c.intervals(dayOf(t.In(c.Loc)), searchDays) {
		if iv.from.After(t) {
			return iv.from, true
		}
	}
	return time.Time{}, false
}

// NextClosing returns when the current opening ends; ok is false when the
// office is closed at t.
func (c *Calendar) NextClosing(t time.Time) (time.Time, bool) {
	for _, iv := range c.intervals(dayOf(t.In(c.Loc)), searchDays) {
		if !t.Before(iv.from) && t.Before(iv.to) {
			return iv.to, true
		}
	}
	return time.Time{}, false
}

var (
	giorni = [7]string{"domenica", "lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato"}
	mesi   = [13]string{"", "gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre", "ottobre", "novembre", "dicembre"}
)

// ItalianDate writes an instant in its own zone as people read it:
// "lunedì 29 marzo 2021 alle 8:00 (+02:00)".
func ItalianDate(t time.Time) string {
	return fmt.Sprintf("%s %d %s %d alle %s (%s)", giorni[t.Weekday()], t.Day(), mesi[t.Month()], t.Year(), clock(t.Hour()*60+t.Minute()), t.Format("-07:00"))
}

// WeekText describes the weekly hours: "dal lunedì al sabato, 8:00–20:00".
func (c *Calendar) WeekText() string {
	order := []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday}
	key := func(d time.Weekday) string {
		var parts []string
		for _, r := range c.Week[d] {
			parts = append(parts, r.String())
		}
		return strings.Join(parts, " e ")
	}
	var groups []string
	for i := 0; i < len(order); {
		j := i
		for j+1 < len(order) && key(order[j+1]) == key(order[i]) {
			j++
		}
		if k := key(order[i]); k != "" {
			switch {
			case i == j:
				groups = append(groups, fmt.Sprintf("il %s, %s", giorni[order[i]], k))
			case j == i+1:
				groups = append(groups, fmt.Sprintf("il %s e il %s, %s", giorni[order[i]], giorni[order[j]], k))
			default:
				groups = append(groups, fmt.Sprintf("dal %s al %s, %s", giorni[order[i]], giorni[order[j]], k))
			}
		}
		i = j + 1
	}
	return strings.Join(groups, "; ")
}

// Sentence tells a citizen when operators answer, and when they are back
// (or until when they are there) as seen at t.
func (c *Calendar) Sentence(t time.Time) string {
	s := "Gli operatori rispondono " + c.WeekText() + ", festivi esclusi."
	t = t.In(c.Loc)
	if end, open := c.NextClosing(t); open {
		return s + " In questo momento sono disponibili, fino alle " + clock(end.Hour()*60+end.Minute()) + "."
	}
	next, ok := c.NextOpening(t)
	if !ok {
		return s
	}
	return s + " Riapriamo " + c.when(t, next) + "."
}

// when says a future instant the way people do: "oggi alle 14:30",
// "domani alle 8:00", "lunedì 29 marzo alle 8:00".
func (c *Calendar) when(now, at time.Time) string {
	at = at.In(c.Loc)
	hm := clock(at.Hour()*60 + at.Minute())
	switch dayOf(at) {
	case dayOf(now):
		return "oggi alle " + hm
	case dayOf(now).add(1):
		return "domani alle " + hm
	}
	return fmt.Sprintf("%s %d %s alle %s", giorni[at.Weekday()], at.Day(), mesi[at.Month()], hm)
}

// HoursConfig is the calendar as written in the configuration file.
type HoursConfig struct {
	// Week maps lun, mar, mer, gio, ven, sab, dom to ranges ("08:00-13:00").
	Week map[string][]string `yaml:"settimana"`
	// Patron is the patron saint's day as "DD-MM".
	Patron string `yaml:"patrono"`
	// Closed lists dates or date ranges when the office is closed.
	Closed []string `yaml:"chiusure"`
	// Special gives other hours on dates or date ranges.
	Special map[string][]string `yaml:"orari_speciali"`
}

var dayKeys = map[string]time.Weekday{"lun": time.Monday, "mar": time.Tuesday, "mer": time.Wednesday, "gio": time.Thursday, "ven": time.Friday, "sab": time.Saturday, "dom": time.Sunday}

// Calendar builds the calendar; errors are Italian, for IT staff.
func (h HoursConfig) Calendar() (*Calendar, error) {
	c := &Calendar{Loc: Rome()}
	var errs []string
	for k, rs := range h.Week {
		wd, ok := dayKeys[strings.ToLower(k)]
		if !ok {
			errs = append(errs, fmt.Sprintf("giorno %q sconosciuto: usa lun, mar, mer, gio, ven, sab, dom", k))
			continue
		}
		for _, s := range rs {
			r, err := ParseRange(s)
			if err != nil {
				errs = append(errs, err.Error())
				continue
			}
			c.Week[wd] = append(c.Week[wd], r)
		}
		sort.Slice(c.Week[wd], func(i, j int) bool { return c.Week[wd][i].Start < c.Week[wd][j].Start })
	}
	if h.Patron != "" {
		t, err := time.Parse("02-01", strings.TrimSpace(h.Patron))
		if err != nil {
			errs = append(errs, fmt.Sprintf("patrono %q non valido: scrivilo come GG-MM, ad esempio 24-06", h.Patron))
		} else {
			c.PatronMonth, c.PatronDay = t.Month(), t.Day()
		}
	}
	for _, s := range h.Closed {
		r, err := ParseDateRule(s)
		if err != nil {
			errs = append(errs, err.Error())
			continue
		}
		c.Specials = append(c.Specials, Special{Dates: r})
	}
	keys := make([]string, 0, len(h.Special))
	for k := range h.Special {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		r, err := ParseDateRule(k)
		if err != nil {
			errs = append(errs, err.Error())
			continue
		}
		sp := Special{Dates: r}
		for _, s := range h.Special[k] {
			rg, err := ParseRange(s)
			if err != nil {
				errs = append(errs, err.Error())
				continue
			}
			sp.Ranges = append(sp.Ranges, rg)
		}
		c.Specials = append(c.Specials, sp)
	}
	if len(errs) > 0 {
		sort.Strings(errs)
		return nil, sportello.Errorf(sportello.EINVALID, "orari non validi: %s", strings.Join(errs, "; "))
	}
	return c, nil
}

// AddWorkingDays returns the end of the n-th working day after t's day:
// days with opening hours count, holidays and closures do not (with the
// demo hours, Friday + 2 is Monday: Saturday is a working day, Sunday is
// not).
func (c *Calendar) AddWorkingDays(t time.Time, n int) time.Time {
	d := dayOf(t.In(c.Loc))
	for i := 0; i < 3660 && n > 0; i++ { // ten years: a calendar with no open day ends here
		d = d.add(1)
		if len(c.ranges(d)) > 0 {
			n--
		}
	}
	return time.Date(d.y, d.m, d.d, 23, 59, 59, 0, c.Loc)
}

// ItalianDay writes an instant as people read it in Italy, in Rome's
// time without naming the zone: "domenica 29 novembre 2026, 11:00".
func ItalianDay(t time.Time) string {
	t = t.In(Rome())
	return fmt.Sprintf("%s %d %s %d, %s", giorni[t.Weekday()], t.Day(), mesi[t.Month()], t.Year(), clock(t.Hour()*60+t.Minute()))
}
