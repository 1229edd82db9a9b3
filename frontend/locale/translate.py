# ruff: noqa: E501
"""Fill frontend/locale/{nl,fr,ar} from the tables below: `python frontend/locale/translate.py` after
`makemessages -l nl -l fr -l ar --no-obsolete`.

Arabic is for the participant's pages only (the loan card and its not-found page): the Arabic catalogue
keeps just the entries used there, so the staff desk and funder pages never half-switch to Arabic.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the project root, for backend.i18n
from backend.i18n import fill_catalogue  # noqa: E402

HERE = Path(__file__).resolve().parent
PARTICIPANT_SOURCES = ("views/card.py", "templates/frontend/card/", "texts.py", "languages.py")

# msgid (or (msgctxt, msgid)) -> {language: msgstr}; plurals: {language: [forms...]}
T: dict = {}


def add(key, nl, fr, ar=None):
    T[key] = {"nl": nl, "fr": fr, **({"ar": ar} if ar is not None else {})}


# --- the participant's loan card ---------------------------------------------------------------------
add("Language", "Taal", "Langue", "اللغة")
add("Your loan", "Je lening", "Votre prêt", "إعارتك")
add("Hello %(name)s", "Hallo %(name)s", "Bonjour %(name)s", "مرحبًا %(name)s")
add(
    "Done: you have more time.",
    "Gelukt: je hebt meer tijd.",
    "C'est fait : vous avez plus de temps.",
    "تم: لديك وقت إضافي.",
)
add(
    "We have your request. We will contact you.",
    "We hebben je vraag ontvangen. We nemen contact met je op.",
    "Nous avons reçu votre demande. Nous vous contacterons.",
    "وصلنا طلبك. سنتصل بك.",
)
add("You borrowed", "Je leende", "Vous avez emprunté", "لقد استعرت")
add("Bring it back by", "Breng het terug tegen", "À rapporter au plus tard le", "أعده قبل")
add(
    "There is no fine. Please bring it back or call us: we will find a solution together.",
    "Er is geen boete. Breng het terug of bel ons: samen vinden we een oplossing.",
    "Il n'y a pas d'amende. Rapportez-le ou appelez-nous : nous trouverons une solution ensemble.",
    "لا توجد غرامة. من فضلك أعده أو اتصل بنا: سنجد حلًا معًا.",
)
add("Need more time?", "Meer tijd nodig?", "Besoin de plus de temps ?", "هل تحتاج إلى وقت إضافي؟")
add(
    "Press the button: your loan gets more time at once.",
    "Druk op de knop: je lening wordt meteen verlengd.",
    "Appuyez sur le bouton : votre prêt est prolongé tout de suite.",
    "اضغط على الزر: تُمدَّد إعارتك فورًا.",
)
add("Renew my loan", "Mijn lening verlengen", "Prolonger mon prêt", "مدِّد إعارتي")
add(
    "Press the button to ask for more time. Someone from the organisation will contact you.",
    "Druk op de knop om meer tijd te vragen. Iemand van de organisatie neemt contact met je op.",
    "Appuyez sur le bouton pour demander plus de temps. Quelqu'un de l'association vous contactera.",
    "اضغط على الزر لطلب وقت إضافي. سيتصل بك شخص من الجمعية.",
)
add("Ask for more time", "Meer tijd vragen", "Demander plus de temps", "اطلب وقتًا إضافيًا")
add(
    "To keep it longer, please call us.",
    "Wil je het langer houden? Bel ons.",
    "Pour le garder plus longtemps, appelez-nous.",
    "للاحتفاظ به مدة أطول، اتصل بنا من فضلك.",
)
add(
    "This loan is closed. Thank you!",
    "Deze lening is afgesloten. Dank je!",
    "Ce prêt est terminé. Merci !",
    "انتهت هذه الإعارة. شكرًا لك!",
)
add("Your internet code", "Je internetcode", "Votre code internet", "رمز الإنترنت الخاص بك")
add("Activate it at:", "Activeer hem op:", "Activez-le sur :", "فعِّله على:")
add("Or call:", "Of bel:", "Ou appelez :", "أو اتصل بـ:")
add("Valid until:", "Geldig tot:", "Valable jusqu'au :", "صالح حتى:")
add("Your digicheques", "Je digicheques", "Vos digichèques", "قسائمك الرقمية")
add(
    "Each cheque is one hour of help with your computer at home.",
    "Elke cheque is een uur hulp met je computer bij je thuis.",
    "Chaque chèque vaut une heure d'aide pour votre ordinateur, chez vous.",
    "كل قسيمة تساوي ساعة مساعدة في حاسوبك في بيتك.",
)
add("valid until", "geldig tot", "valable jusqu'au", "صالحة حتى")
add("Questions? Contact us", "Vragen? Neem contact op", "Des questions ? Contactez-nous", "أسئلة؟ اتصل بنا")
add("Opening hours:", "Openingsuren:", "Heures d'ouverture :", "ساعات العمل:")
add(
    "Please call or visit the organisation that lent you the device. Their phone number is on your paper.",
    "Bel of bezoek de organisatie die je het toestel leende. Hun telefoonnummer staat op je papier.",
    "Appelez ou passez voir l'association qui vous a prêté l'appareil. Son numéro est sur votre papier.",
    "اتصل بالجمعية التي أعارتك الجهاز أو زُرها. رقم هاتفها مكتوب على ورقتك.",
)
add("Loan card not found", "Leenkaart niet gevonden", "Carte de prêt introuvable", "لم يتم العثور على بطاقة الإعارة")
add(
    "We cannot find this loan card",
    "We vinden deze leenkaart niet",
    "Nous ne trouvons pas cette carte de prêt",
    "لا نجد بطاقة الإعارة هذه",
)
add(
    "The link may be old, or the loan has ended. Nothing is wrong with your phone.",
    "De link is misschien oud, of de lening is afgelopen. Er is niets mis met je telefoon.",
    "Le lien est peut-être ancien, ou le prêt est terminé. Votre téléphone n'y est pour rien.",
    "ربما الرابط قديم، أو انتهت الإعارة. لا مشكلة في هاتفك.",
)
add("Please wait a minute", "Even geduld", "Patientez une minute", "انتظر دقيقة من فضلك")
add(
    "Too many pages were opened from this connection. Try again in a minute.",
    "Er werden te veel pagina's geopend via deze verbinding. Probeer het over een minuut opnieuw.",
    "Trop de pages ont été ouvertes depuis cette connexion. Réessayez dans une minute.",
    "فُتحت صفحات كثيرة من هذا الاتصال. حاول مرة أخرى بعد دقيقة.",
)
add("Bring it back today.", "Breng het vandaag terug.", "À rapporter aujourd'hui.", "أعده اليوم.")
add("Bring it back tomorrow.", "Breng het morgen terug.", "À rapporter demain.", "أعده غدًا.")
add(
    "You have %(days)s days left.",
    "Je hebt nog %(days)s dagen.",
    "Il vous reste %(days)s jours.",
    "الأيام المتبقية: %(days)s",
)
add("One day late.", "Een dag te laat.", "Un jour de retard.", "متأخر يومًا واحدًا.")
add("%(days)s days late.", "%(days)s dagen te laat.", "%(days)s jours de retard.", "أيام التأخير: %(days)s")
add(("loan card", "Laptop"), "Laptop", "Ordinateur portable", "حاسوب محمول")
add(("loan card", "Tablet"), "Tablet", "Tablette", "جهاز لوحي")
add(("loan card", "Chromebook"), "Chromebook", "Chromebook", "كروم بوك")
add(("loan card", "Smartphone"), "Smartphone", "Smartphone", "هاتف ذكي")
add(("loan card", "Computer"), "Computer", "Ordinateur", "حاسوب")
add(("loan card", "e-ID card reader"), "e-ID-kaartlezer", "Lecteur de carte eID", "قارئ بطاقة الهوية الإلكترونية")
add(
    ("loan card", "4G modem (internet box)"),
    "4G-modem (internetkastje)",
    "Modem 4G (boîtier internet)",
    "مودم 4G (جهاز إنترنت)",
)
add(("loan card", "Charger or accessory"), "Lader of accessoire", "Chargeur ou accessoire", "شاحن أو ملحق")
add(
    ("loan card", "This loan cannot be renewed again. Please call us."),
    "Deze lening kan niet nog eens verlengd worden. Bel ons.",
    "Ce prêt ne peut plus être prolongé. Appelez-nous.",
    "لا يمكن تمديد هذه الإعارة مرة أخرى. اتصل بنا من فضلك.",
)
add(
    ("loan card", "This loan ends on a fixed date. Please call us."),
    "Deze lening eindigt op een vaste datum. Bel ons.",
    "Ce prêt se termine à une date fixe. Appelez-nous.",
    "تنتهي هذه الإعارة في تاريخ محدد. اتصل بنا من فضلك.",
)
add(
    ("loan card", "Someone is waiting for this kind of device, so we cannot renew it now. Please call us."),
    "Iemand wacht op dit soort toestel, daarom kunnen we nu niet verlengen. Bel ons.",
    "Quelqu'un attend ce type d'appareil, nous ne pouvons donc pas prolonger maintenant. Appelez-nous.",
    "هناك شخص ينتظر هذا النوع من الأجهزة، لذلك لا يمكننا التمديد الآن. اتصل بنا من فضلك.",
)
add(
    ("loan card", "This loan is already closed."),
    "Deze lening is al afgesloten.",
    "Ce prêt est déjà terminé.",
    "هذه الإعارة منتهية بالفعل.",
)
add(
    ("loan card", "We could not renew this loan. Please call us."),
    "We konden deze lening niet verlengen. Bel ons.",
    "Nous n'avons pas pu prolonger ce prêt. Appelez-nous.",
    "لم نتمكن من تمديد هذه الإعارة. اتصل بنا من فضلك.",
)
add("Our text messages", "Onze sms'jes", "Nos SMS", "رسائلنا القصيرة")
add(
    "You no longer want our text messages? Reply STOP to one of them, or tell us: we stop at once.",
    "Wil je onze sms'jes niet meer? Antwoord STOP op een van onze berichten, of zeg het ons: we stoppen meteen.",
    "Vous ne voulez plus recevoir nos SMS ? Répondez STOP à l'un d'eux, ou dites-le-nous : nous arrêtons aussitôt.",
    "لا تريد رسائلنا القصيرة بعد الآن؟ أرسل STOP ردًا على إحداها، أو أخبرنا: سنتوقف فورًا.",
)
add("Personal data", "Persoonsgegevens", "Données personnelles")

# --- staff-facing strings (nl, fr) --------------------------------------------------------------------
add(
    "Renewal asked on the loan card: %(name)s, loan #%(id)s (due %(due)s)",
    "Verlenging gevraagd via de leenkaart: %(name)s, lening #%(id)s (in te leveren %(due)s)",
    "Prolongation demandée sur la carte de prêt : %(name)s, prêt n° %(id)s (retour le %(due)s)",
)

sys.path.insert(0, str(HERE))
from staff_texts import STAFF  # noqa: E402  (the desk and funder pages)

for _key, (_nl, _fr) in STAFF.items():
    add(_key, _nl, _fr)


def fill(language: str) -> list[str]:
    path = HERE / language / "LC_MESSAGES" / "django.po"
    return fill_catalogue(path, language, T, participant_sources=PARTICIPANT_SOURCES)


if __name__ == "__main__":
    problems = {language: fill(language) for language in ("nl", "fr", "ar")}
    for language, missing in problems.items():
        for msgid in missing:
            print(f"{language}: no translation for {msgid!r}")
    sys.exit(1 if any(problems.values()) else 0)
