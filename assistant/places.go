package assistant

// Street and place names say where, not what: "c'è una buca in via
// Garibaldi" is about the hole, and a card that lists its office in Via
// Roma must not answer "il lampione di via roma è spento". The word that
// names the street after "in via", "da corso", "a piazza"... is left out
// of the question's meaning.

// streetWords open a street or place name.
var streetWords = wordSet(`via viale vicolo piazza piazzale corso contrada localita frazione borgata`)

// placePrepositions come before a street word that opens a name: "in via
// Roma", "da corso Mazzini", "alla frazione Olmeda".
var placePrepositions = wordSet(`in da a di per su verso tra fra nella della dalla alla sulla nel del dal al sul`)

// nameParticles may stand between the street word and the name: "via
// dei Colli", "piazza San Rocco".
var nameParticles = wordSet(`del dello della dei degli delle di d san santa santo s`)

// notNames follow "in via" in set phrases of Italian bureaucracy ("in
// via telematica", "in via provvisoria"): they are not streets.
var notNames = wordSet(`telematica informatica definitiva provvisoria eccezionale ordinaria straordinaria
prioritaria preventiva informale breve esclusiva generale principale transitoria sperimentale
amministrativa ufficiale cautelativa temporanea subordinata residuale alternativa d di`)

// placeNames returns the positions of words that name a street or place.
func placeNames(words []Word) map[int]bool {
	var out map[int]bool
	for i := 1; i+1 < len(words); i++ {
		street, prep := words[i].Surface, words[i-1].Surface
		if !streetWords[street] || !placePrepositions[prep] || street == "via" && prep == "per" {
			// "per via del traffico" is "because of".
			continue
		}
		j := i + 1
		// "in corso di validità" is no street: a course takes its name
		// at once.
		for street != "corso" && j < len(words) && nameParticles[words[j].Surface] {
			j++
		}
		if j >= len(words) || words[j].Stem == "" || notNames[words[j].Surface] {
			continue
		}
		if out == nil {
			out = map[int]bool{}
		}
		out[j] = true
	}
	return out
}
