package web

import (
	"bytes"
	"net/http"
	"sort"

	"github.com/labstack/echo/v4"
)

// otherCategory groups cards without a categoria, listed last.
const otherCategory = "Altri servizi"

// portalCard is a card as the demo portal page lists it.
type portalCard struct {
	ID, Title, Description, Category, Link string
}

// portalGroup is one category of cards on the page.
type portalGroup struct {
	Category string
	Cards    []portalCard
}

// portalPage is the demo comune's services page, with the widget added
// the way a real portal adds it: one script tag.
func (s *Server) portalPage(c echo.Context) error {
	groups := map[string][]portalCard{}
	if set := s.cards(); set != nil {
		for _, card := range set.Published() {
			cat := card.Category
			if cat == "" {
				cat = otherCategory
			}
			groups[cat] = append(groups[cat], portalCard{ID: card.ID, Title: card.Title, Description: card.Description, Category: cat, Link: card.Link})
		}
	}
	var gs []portalGroup
	for cat, cs := range groups {
		sort.Slice(cs, func(i, j int) bool { return cs[i].Title < cs[j].Title })
		gs = append(gs, portalGroup{Category: cat, Cards: cs})
	}
	sort.Slice(gs, func(i, j int) bool {
		if (gs[i].Category == otherCategory) != (gs[j].Category == otherCategory) {
			return gs[j].Category == otherCategory
		}
		return gs[i].Category < gs[j].Category
	})
	data := map[string]any{
		"Comune":    s.opts.Comune,
		"CSS":       s.assets.URL("portal.css"),
		"WidgetURL": "/widget.js",
		"Groups":    gs,
	}
	var buf bytes.Buffer
	if err := s.portal.Execute(&buf, data); err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-cache")
	return c.HTMLBlob(http.StatusOK, buf.Bytes())
}
