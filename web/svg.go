package web

import (
	"fmt"
	"html"
	"html/template"
	"strings"
)

// Charts are drawn on the server as SVG: no JavaScript library, readable
// without colour (values are written on the bars), each with a title for
// screen readers and a table beside it.

// bar is one bar of a horizontal bar chart.
type bar struct {
	Label string
	Value int
}

// barChart draws horizontal bars with their values.
func barChart(id, title string, bars []bar) template.HTML {
	const rowH, labelW, barW = 26, 260, 320
	maxV := 1
	for _, b := range bars {
		maxV = max(maxV, b.Value)
	}
	h := rowH*len(bars) + 10
	var sb strings.Builder
	fmt.Fprintf(&sb, `<svg class="chart" role="img" aria-labelledby="%s-t" viewBox="0 0 %d %d" width="%d" height="%d"><title id="%s-t">%s</title>`,
		id, labelW+barW+70, h, labelW+barW+70, h, id, html.EscapeString(title))
	for i, b := range bars {
		y := i*rowH + 5
		w := b.Value * barW / maxV
		fmt.Fprintf(&sb, `<text x="%d" y="%d" text-anchor="end" class="lbl">%s</text>`, labelW-8, y+17, html.EscapeString(clip(b.Label, 38)))
		fmt.Fprintf(&sb, `<rect x="%d" y="%d" width="%d" height="%d" class="bar"/>`, labelW, y+3, max(w, 1), rowH-8)
		fmt.Fprintf(&sb, `<text x="%d" y="%d" class="val">%d</text>`, labelW+max(w, 1)+6, y+17, b.Value)
	}
	sb.WriteString(`</svg>`)
	return template.HTML(sb.String())
}

// heatMap draws questions by weekday and hour; darker is busier, and
// each cell says its number to screen readers and on hover.
func heatMap(id, title string, heat [7][24]int) template.HTML {
	const cell, left, top = 24, 90, 22
	maxV := 1
	for _, row := range heat {
		for _, v := range row {
			maxV = max(maxV, v)
		}
	}
	days := []string{"lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato", "domenica"}
	var sb strings.Builder
	fmt.Fprintf(&sb, `<svg class="chart" role="img" aria-labelledby="%s-t" viewBox="0 0 %d %d" width="%d" height="%d"><title id="%s-t">%s</title>`,
		id, left+24*cell+10, top+7*cell+10, left+24*cell+10, top+7*cell+10, id, html.EscapeString(title))
	for hr := 0; hr < 24; hr += 2 {
		fmt.Fprintf(&sb, `<text x="%d" y="%d" class="lbl small" text-anchor="middle">%d</text>`, left+hr*cell+cell/2, top-6, hr)
	}
	for d, row := range heat {
		fmt.Fprintf(&sb, `<text x="%d" y="%d" class="lbl" text-anchor="end">%s</text>`, left-6, top+d*cell+cell/2+5, days[d])
		for hr, v := range row {
			// Five steps of one hue, from none to the busiest hour.
			step := 0
			if v > 0 {
				step = min(5, 1+4*v/maxV)
			}
			fmt.Fprintf(&sb, `<rect x="%d" y="%d" width="%d" height="%d" class="heat h%d"><title>%s ore %d: %d domande</title></rect>`,
				left+hr*cell, top+d*cell, cell-2, cell-2, step, days[d], hr, v)
		}
	}
	sb.WriteString(`</svg>`)
	return template.HTML(sb.String())
}

// columnChart draws one column per day.
func columnChart(id, title string, labels []string, values []int) template.HTML {
	const width, h, bottom, left = 800, 160, 24, 50
	n := max(len(values), 1)
	w := max(2, min(24, (width-left-10)/n))
	maxV := 1
	for _, v := range values {
		maxV = max(maxV, v)
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, `<svg class="chart" role="img" aria-labelledby="%s-t" viewBox="0 0 %d %d" width="%d" height="%d"><title id="%s-t">%s</title>`,
		id, width, h+bottom, width, h+bottom, id, html.EscapeString(title))
	fmt.Fprintf(&sb, `<text x="0" y="12" class="lbl small">max %d</text>`, maxV)
	for i, v := range values {
		bh := v * (h - 20) / maxV
		fmt.Fprintf(&sb, `<rect x="%d" y="%d" width="%d" height="%d" class="bar"><title>%s: %d</title></rect>`, left+i*w, h-bh, max(1, w-1), max(bh, 1), html.EscapeString(labels[i]), v)
	}
	if len(labels) > 0 {
		fmt.Fprintf(&sb, `<text x="%d" y="%d" class="lbl small">%s</text>`, left, h+16, html.EscapeString(labels[0]))
		fmt.Fprintf(&sb, `<text x="%d" y="%d" class="lbl small" text-anchor="end">%s</text>`, left+n*w, h+16, html.EscapeString(labels[len(labels)-1]))
	}
	sb.WriteString(`</svg>`)
	return template.HTML(sb.String())
}

func clip(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}
