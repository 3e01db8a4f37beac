"""Trains the project's SentencePiece unigram tokenizer from an inline, deterministic corpus."""
import os
import random
import tempfile

CORPUS = """\
Hello world. Hello there, how are you today? I am fine, thank you!
The quick brown fox jumps over the lazy dog near the quiet river bank.
It was a bright cold day in April, and the clocks were striking thirteen.
Please call me when you arrive at the station, and bring an umbrella.
Reading aloud helps you learn the rhythm of a language; it also helps you focus.
Children were playing in the park while their parents talked about the news.
After the rain stopped, the sun came out and the streets began to dry.
The meeting starts at 10:30 on Monday, March 3rd, 2025 in room 42B.
Version 1.2.3 fixed 7 bugs, added 12 features and removed 0 warnings.
Call +1 (555) 010-9999 or e-mail support@example.com for help.
Prices rose by 3.5% to $19.99 (about 18 euros) per month.
She said: "Don't worry - it's only a test." He replied, 'Okay...'
Is this the right way? Yes! No? Maybe; we'll see: 1, 2, 3, 4, 5.
Functions like read_file() and parseInt("10") return values [a, b] or {x: 1}.
Markdown uses # headings, * bullets, > quotes and `code` spans & links <url>.
Temperatures fell to -5 degrees at 6 a.m., then rose to 21 by 3 p.m.
The extension reads selections, comments and documents aloud on your machine.
Zero, one, two, three, four, five, six, seven, eight, nine, ten, eleven, twelve.
A journey of a thousand miles begins with a single step, as the old saying goes.
Quietly, the old man walked slowly along the river, watching the boats drift past.
"""

WORDS = """the of and to in is was for on that with as by at from this be are have it not or
an but which they you we he she his her their our your its one all would there what so up out
if about who get go me when make can like time no just him know take people into year good some
could them see other than then now look only come over think also back after use two how work
first well way even new want because any these give day most us speech voice audio text model
reader pocket editor code file line word sentence paragraph document comment selection page
quick brown fox lazy dog river bank station umbrella rhythm language children park parents
news rain sun streets clock bright cold April thirteen morning evening night window table
chair music story history science number letter question answer problem system program
computer keyboard screen mouse function variable value string array object class method
return error warning message server client request response network stream buffer chunk
frame sample rate second minute hour week month green blue red yellow orange purple white
black water fire earth wind light dark happy sad fast slow small large little big long short
""".split()


# French, for the tiny french_24l variant's own tokenizer (semicolons on purpose: that bundle removes them).
FRENCH_CORPUS = """\
Bonjour tout le monde. Bonjour, comment allez-vous aujourd'hui ? Je vais bien, merci !
Le vif renard brun saute par-dessus le chien paresseux près de la rivière.
Il faisait beau et froid en avril; les horloges sonnaient treize heures.
Appelez-moi quand vous arrivez à la gare, et prenez un parapluie.
Lire à voix haute aide à apprendre le rythme d'une langue; cela aide aussi à se concentrer.
Les enfants jouaient dans le parc pendant que leurs parents parlaient des nouvelles.
Après la pluie, le soleil est revenu et les rues ont commencé à sécher.
La réunion commence à dix heures trente, le lundi trois mars, dans la salle quarante-deux.
La version un point deux corrige sept erreurs; elle ajoute douze fonctions.
L'extension lit les sélections, les commentaires et les documents sur votre machine.
Zéro, un, deux, trois, quatre, cinq, six, sept, huit, neuf, dix, onze, douze.
Est-ce le bon chemin ? Oui ! Non ? Peut-être; nous verrons : un, deux, trois.
"""

FRENCH_WORDS = """le la les un une des de du et est était pour sur que qui avec comme par dans ce cette
il elle nous vous ils elles son sa ses leur mais ou donc car ne pas plus très bien tout tous faire
voix texte modèle lecteur poche éditeur code fichier ligne mot phrase paragraphe document commentaire
rapide renard chien rivière gare parapluie rythme langue enfants parc parents nouvelles pluie soleil
rues horloge matin soir nuit fenêtre table chaise musique histoire science nombre lettre question
réponse problème système programme ordinateur clavier écran souris fonction valeur erreur message
serveur client requête réponse réseau flux seconde minute heure semaine mois vert bleu rouge jaune
""".split()


def _pseudo_words(rng, n):
    # Pronounceable nonsense words: only there so a 4000-piece vocabulary has enough
    # distinct substrings to be trainable from a corpus small enough to inline.
    on = ["b", "c", "d", "f", "g", "h", "j", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w", "z",
          "br", "ch", "cl", "dr", "fl", "gr", "pl", "qu", "sh", "sl", "st", "th", "tr", "wh"]
    nu = ["a", "e", "i", "o", "u", "y", "ai", "ea", "ee", "oo", "ou", "ie"]
    co = ["", "", "n", "r", "s", "t", "l", "m", "ng", "ck", "nd", "st", "rt", "x"]
    return ["".join(rng.choice(on) + rng.choice(nu) + rng.choice(co) for _ in range(rng.randint(1, 3)))
            for _ in range(n)]


def _corpus_lines(extra_lines, seed, n_random, n_pseudo=0, language="english"):
    rng = random.Random(seed)
    corpus, vocab = (FRENCH_CORPUS, FRENCH_WORDS) if language == "french" else (CORPUS, WORDS)
    lines = [l for l in corpus.splitlines() if l.strip()] + list(extra_lines)
    words = vocab + _pseudo_words(rng, n_pseudo)
    punct = [".", ",", "!", "?", ";", ":", "..."]
    for _ in range(n_random):
        n = rng.randint(3, 14)
        ws = [rng.choice(words) for _ in range(n)]
        if rng.random() < 0.3:
            ws.insert(rng.randint(0, n), str(rng.randint(0, 9999)))
        ws[0] = ws[0].capitalize()
        lines.append(" ".join(ws) + rng.choice(punct))
    return lines


def random_sentences(seed, n, language="english"):
    return _corpus_lines([], seed, n, language=language)[-n:]


def train(out_path, vocab_size, seed=0, extra_lines=(), language="english"):
    n_random, n_pseudo = (2000, 0) if vocab_size <= 1000 else (20000, 6000)
    import sentencepiece as spm
    with tempfile.TemporaryDirectory() as tmp:
        corpus = os.path.join(tmp, "corpus.txt")
        with open(corpus, "w", encoding="utf-8") as f:
            f.write("\n".join(_corpus_lines(extra_lines, seed, n_random, n_pseudo, language)) + "\n")
        prefix = os.path.join(tmp, "tok")
        spm.SentencePieceTrainer.train(
            input=corpus, model_prefix=prefix, model_type="unigram", vocab_size=vocab_size,
            character_coverage=1.0, byte_fallback=True,  # any UTF-8 (emoji, CJK) still tokenizes
            unk_id=0, bos_id=1, eos_id=2, pad_id=3, num_threads=1,  # single thread: deterministic
            split_digits=False, max_sentencepiece_length=16, minloglevel=2,
            hard_vocab_limit=True)
        from sentencepiece import sentencepiece_model_pb2 as pb
        proto = pb.ModelProto()
        with open(prefix + ".model", "rb") as f:
            proto.ParseFromString(f.read())
        # The trainer records the (random) temp paths; pin them so the file is byte-deterministic.
        del proto.trainer_spec.input[:]
        proto.trainer_spec.input.append("corpus.txt")
        proto.trainer_spec.model_prefix = "tok"
        data = proto.SerializeToString()
    with open(out_path, "wb") as f:
        f.write(data)
    return spm.SentencePieceProcessor(model_file=out_path)
