"""The classes of the sound2image stand-in: what each sounds like and looks like, and where from.

The paper's 52 classes come from SoundNet-Flickr pairs that share a label; none
of that is offline. This table builds 51 classes from what is: 31 musical
instruments (soundfont renders plus GCompris / Tux Paint recordings; drawings
from openclipart, GCompris and Tux Paint), 10 spoken digits (FSDD speakers;
MNIST digits) and 10 farm animals (real recordings only, two to four per class
except the cat's one; GCompris drawings and photos, Tux Paint stamps).
Media are named by :mod:`engine.data.debian_media` references.
"""

from __future__ import annotations

from dataclasses import dataclass

from .phrases import INSTRUMENT_RANGES

__all__ = ["CLASSES", "DIGIT_NAMES", "ObjectClass"]

_OC = "openclipart:recreation/music/"
_GC = "gcompris:instruments/"
_GF = "gcompris:explore_farm_animals/animals/"
_GM = "gcompris:memory-sound/"
_TP = "tuxpaint:hobbies/music/"
_TA = "tuxpaint:animals/"


@dataclass(frozen=True)
class ObjectClass:
    """One class: its group, how its sound is rendered (if at all), its drawings and recordings.

    ``program`` is a GM program played over ``pitch_range``; percussion classes
    instead give ``drum_notes`` of the GM drum map (bank 128). Animals and
    digits render nothing: their sounds are recordings (animals) or FSDD.
    """

    name: str
    group: str  # "instrument", "digit" or "animal"
    drawings: tuple[str, ...] = ()
    recordings: tuple[str, ...] = ()
    program: int | None = None
    pitch_range: tuple[int, int] = (48, 72)
    drum_notes: tuple[int, ...] = ()


def _gm(name: str, program: int, drawings: tuple[str, ...], recordings: tuple[str, ...] = (),
        pitch_range: tuple[int, int] | None = None) -> ObjectClass:
    return ObjectClass(name, "instrument", drawings, recordings, program,
                       pitch_range or INSTRUMENT_RANGES.get(name, (48, 72)))


def _drum(name: str, notes: tuple[int, ...], drawings: tuple[str, ...],
          recordings: tuple[str, ...] = ()) -> ObjectClass:
    return ObjectClass(name, "instrument", drawings, recordings, drum_notes=notes)


def _gc(stem: str) -> tuple[str]:
    return (f"{_GC}{stem}.ogg",)


_INSTRUMENTS = (
    _gm("accordion", 21, (_GC + "accordion.svg",), _gc("accordion"), (53, 84)),
    _gm("banjo", 105, (_GC + "banjo.svg",), _gc("banjo"), (48, 79)),
    _drum("bongo", (60, 61), (_GC + "bongo.svg",), _gc("bongo")),
    _drum("castanets", (85,), (_GC + "castanets.svg",), _gc("castanets")),
    _gm("cello", 42, (_OC + "cello_ganson.png", _OC + "cello_mo_01.png", _OC + "cello_mo_02.png",
                      _GC + "cello.svg", _TP + "string/cello.png"),
        (*_gc("cello"), _TP + "string/cello.ogg")),
    _gm("clarinet", 71, (_GC + "clarinet.svg",), _gc("clarinet")),
    _drum("cymbal", (49, 57), (_GC + "cymbal.svg", _TP + "percussion/cymbal_crash.png"),
          (*_gc("cymbal"), _TP + "percussion/cymbal_crash.ogg")),
    _drum("drum kit", (36, 38, 42, 46), (_GC + "drum_kit.svg", _TP + "percussion/drumkit.png",
                                         _OC + "drums_jarno_vasamaa_.png"),
          (*_gc("drum_kit"), _TP + "percussion/drumkit.ogg")),
    _gm("electric guitar", 29, (_GC + "electric_guitar.svg", _TP + "string/guitar_electric.png",
                                _OC + "electric_guitar_andrea__01r.png"),
        _gc("electric_guitar"), (40, 76)),
    _gm("flute", 73, (_OC + "flute_ganson.png", _GC + "flute_traversiere.svg"),
        _gc("flute_traversiere")),
    _gm("guitar", 24, (_GC + "guitar.svg", _TP + "string/guitar_classical.png",
                       _TP + "string/guitar2.png", _OC + "guitar_ganson.png",
                       _OC + "guitar_jarno_vasamaa1.png", _OC + "guitar_profile_philippe__01.png"),
        _gc("guitar"), (40, 76)),
    _gm("harmonica", 22, (_GC + "harmonica.svg",), _gc("harmonica"), (60, 84)),
    _gm("harp", 46, (_GC + "harp.svg", _OC + "harp1_ganson.png", _OC + "harp2_ganson.png",
                     _OC + "harp_mo_01.png"), _gc("harp"), (40, 88)),
    _gm("horn", 60, (_OC + "french_horn_ganson.png", _GC + "horn.svg"), _gc("horn")),
    _drum("maracas", (70,), (_GC + "maracas.svg", _OC + "maracas_ganson.png"), _gc("maracas")),
    _gm("organ", 19, (_GC + "organ.svg",), _gc("organ"), (36, 84)),
    _gm("piano", 0, (_GC + "piano.svg", _OC + "piano_geraint_luff_01.png"), _gc("piano"),
        (36, 96)),
    _gm("saxophone", 65, (_OC + "saxophone_jarno_vasamaa_.png", _GC + "saxophone.svg"),
        _gc("saxophone")),
    _drum("snare drum", (38, 40), (_GC + "snare_drum.svg",), _gc("snare_drum")),
    _drum("tambourine", (54,), (_GC + "tambourine.svg",), _gc("tambourine")),
    _gm("timpani", 47, (_GC + "timpani.svg",), _gc("timpani"), (40, 55)),
    _drum("triangle", (81, 80), (_GC + "triangle.svg",), _gc("triangle")),
    _gm("trombone", 57, (_OC + "tenor_trombone_ganson.png", _GC + "trombone.svg"),
        _gc("trombone")),
    _gm("trumpet", 56, (_OC + "trumpet_b_flat__ganson.png", _OC + "trumpet_b_flat_colour_ganso.png",
                        _OC + "trumpet_herald__ganson.png", _OC + "trumpet_pocket__ganson.png",
                        _GC + "trumpet.svg", _TP + "brass/trumpet.png"), _gc("trumpet")),
    _gm("tuba", 58, (_GC + "tuba.svg",), _gc("tuba")),
    _gm("violin", 40, (_OC + "violin_colour_ganson.png", _OC + "violin_ganson.png",
                       _OC + "violin_mo_01.png", _GC + "violin.svg", _TP + "string/violin.png",
                       _TP + "string/violin2.svg"), (*_gc("violin"), _TP + "string/violin.ogg")),
    _gm("oboe", 68, (_OC + "oboe_ganson.png",)),
    _gm("xylophone", 13, (_OC + "xylophone_ganson.png",), pitch_range=(65, 96)),
    _gm("electric bass", 33, (_TP + "string/guitar_electric_bass.png",
                              _TP + "string/guitar_electric_bass2.svg",
                              _OC + "bass_guitar_a.j._ashton_.png"), pitch_range=(28, 55)),
    _gm("bassoon", 70, (_TP + "wind/bassoon.png",), (_TP + "wind/bassoon.ogg",)),
    _gm("dulcimer", 15, (_OC + "mountain_dulcimer_terry_.png",), pitch_range=(50, 79)),
)

#: Spoken digits, as their class names (FSDD digit d is ``DIGIT_NAMES[d]``).
DIGIT_NAMES = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


def _animal(name: str, drawings: tuple[str, ...], recordings: tuple[str, ...]) -> ObjectClass:
    return ObjectClass(name, "animal", drawings, recordings)


_ANIMALS = (
    _animal("cat", (_GF + "cat.svg", _GF + "cat.webp", _TA + "mammals/cats/kitten.svg"),
            (_GF + "cat.ogg",)),
    _animal("dog", (_GF + "dog.svg", _GF + "dog.webp", _TA + "mammals/dogs/dog.png"),
            (_GF + "dog.ogg", _TA + "mammals/dogs/dog.ogg", _GM + "LRBark_1_LA_cut.ogg",
             _GM + "LRBark_3_LA_cut.ogg")),
    _animal("cow", (_GF + "cow.svg", _GF + "cow.webp", _TA + "mammals/bovines/cow.png",
                    _TA + "mammals/bovines/cow_white.png"),
            (_GF + "cow.ogg", _TA + "mammals/bovines/cow.ogg", _TA + "mammals/bovines/cow_white.ogg")),
    _animal("horse", (_GF + "horse.svg", _GF + "horse.webp", _TA + "mammals/equines/horse.png"),
            (_GF + "horse.ogg", _TA + "mammals/equines/horse.ogg")),
    _animal("pig", (_GF + "pig.svg", _GF + "pig.webp", _TA + "mammals/pig.png",
                    _TA + "mammals/pig_golden.png", _TA + "mammals/pig_golden2.png"),
            (_GF + "pig.ogg", _TA + "mammals/pig.ogg", _TA + "mammals/pig_golden.ogg",
             _TA + "mammals/pig_golden2.ogg")),
    _animal("sheep", (_GF + "sheep.svg", _GF + "sheep.webp", _TA + "mammals/bovines/sheep.png",
                      _TA + "mammals/bovines/sheep_lamb.png"),
            (_GF + "sheep.ogg", _TA + "mammals/bovines/sheep.ogg",
             _TA + "mammals/bovines/sheep_lamb.ogg")),
    _animal("duck", (_GF + "duck.svg", _GF + "duck.webp", _TA + "birds/duck.png",
                     _TA + "birds/drake.png"),
            (_GF + "duck.ogg", _TA + "birds/duck.ogg", _TA + "birds/drake.ogg")),
    _animal("chicken", (_GF + "chicken.svg", _GF + "chicken.webp", _TA + "birds/hen.png",
                        _TA + "birds/rooster.png", _TA + "birds/chicken_profile.png"),
            (_GF + "chickens.ogg", _TA + "birds/hen.ogg", _TA + "birds/rooster.ogg")),
    _animal("owl", (_GF + "owl.svg", _GF + "owl.webp", _TA + "birds/owl.png"),
            (_GF + "owl.ogg", _TA + "birds/owl.ogg")),
    _animal("frog", (_TA + "amphibians/frog.png", _TA + "amphibians/frog-1.png"),
            (_TA + "amphibians/frog.ogg", _GM + "LRFrogsInPondDuringStormLACut.ogg")),
)

#: Every class, in label order: instruments, digits, animals.
CLASSES: tuple[ObjectClass, ...] = (
    *_INSTRUMENTS,
    *(ObjectClass(name, "digit") for name in DIGIT_NAMES),
    *_ANIMALS,
)
