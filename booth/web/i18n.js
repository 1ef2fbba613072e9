// The pages' texts in Ukrainian, Russian and English. The language: ?lang= in the address, else
// the browser's preference list (navigator.languages, the list it sends as Accept-Language), else
// English. Elements carry data-i18n="key" (their text) or data-i18n-label="key" (aria-label).

export const LANGUAGES = { uk: "Українська", ru: "Русский", en: "English" };

const TEXTS = {
  en: {
    "site.all": "All elections", "site.elections": "Elections on this board", "site.vote": "vote",
    "site.phase": "Phase", "site.window": "Voting window", "site.boardKey": "Board key", "site.head": "Latest signed tree head",
    "site.headText": "{size} entries, root {root}, signed {time}", "site.questions": "Questions", "site.results": "Results",
    "site.counts": "Entries on the board", "site.countsNote": "Counts only: nothing is decrypted before the close.",
    "channel.station": "polling station", "channel.mobile": "mobile ballot box", "channel.remote": "online",
    "site.precinct": "Precinct", "site.channel": "Channel", "site.day": "Voting day", "site.ballots": "Ballots", "site.spoiled": "Challenged",
    "site.credentials": "Credentials", "site.verification": "Verification", "site.howTo": "Check it yourself:",
    "site.download": "Download the record (zip)",
    "site.forensics": "Forensics of the precinct results: after decryption; or run plebiscite forensics on the downloaded record.",
    "site.forensicsLink": "Forensics of the precinct results (turnout and share fingerprint, integer percentages, digits)",
    "site.phase.setup": "setting up", "site.phase.voting": "voting", "site.phase.closed": "closed, not yet counted",
    "site.phase.tallied": "counted, being decrypted", "site.phase.decrypted": "decrypted: results final",
    "site.scope": "Scope", "site.turnout": "Turnout", "site.total": "Total", "site.empty": "(empty)", "site.chart": "votes per region, precinct and channel",
    "site.mergedOut": "counted with other cells", "site.noVotes": "No votes were cast on this question.",
    "site.approved": "Approved: {option} has {share}% of the selections and every condition is met.",
    "site.rejected": "Not approved: {option} has {share}% of the selections; a condition of the passing rule is not met.",
    "site.tie": "Tie: {options} have {votes} votes each.", "site.majority": "Majority: {option}, with {share}% of the selections.",
    "site.plurality": "Most votes: {option}, with {share}% of the selections (no majority).",
    "site.alarm": "WARNING: this board rewrote its history",
    "site.alarm.badSignature": "The board's tree head is not signed by the election's board key.",
    "site.alarm.logShrank": "The log is smaller than one this browser saw before.",
    "site.alarm.timeWentBack": "The board's head is older than one this browser saw before.",
    "site.alarm.forkedRoots": "Two heads of the same size have different roots: the board showed two different logs.",
    "site.alarm.inconsistent": "The board cannot prove that its log extends the one this browser saw before.",
    "site.evidence": "Evidence: both heads, signed by the board (anyone can check them with the board key). Save them and send them to observers.",
    "site.monitorOk": "Monitor: this head extends every head this browser has seen ({count} kept).",
    "site.verified": "The server's verifier on the record's first {entries} of the board's {size} entries ({phase}): valid; {passed} checks passed, {failed} failed.",
    "site.notVerified": "The server's verifier on the record's first {entries} of the board's {size} entries ({phase}): INVALID; {passed} checks passed, {failed} failed.",
    "site.verifying": "The verifier is running on the record.",
    "page.vote": "Plebiscite: vote", "page.track": "Plebiscite: track a ballot", "page.election": "Plebiscite: election",
    "page.list": "Plebiscite: elections", language: "Language",
    "credential.label": "Credential", "credential.help": "22 characters, as printed on your letter (dashes optional).",
    "credential.count": "{n} of 22 characters.", "credential.ok": "The checksum is correct.",
    "credential.invalidCharacter": "'{detail}' is not a credential character.",
    "credential.wrongLength": "A credential has 22 characters, this one has {detail}.",
    "credential.checksumMismatch": "The checksum does not match: a character was mistyped.",
    "credential.type": "Type the credential from your letter: the checksum must be correct.", continue: "Continue",
    review: "Review", "review.heading": "Your choices", "review.tracking": "Tracking code of this encrypted ballot:",
    challenge: "Challenge", cast: "Cast", change: "Change", none: "(none)", precinct: "Precinct: {name}",
    choose: "\"{question}\": choose {range}.", "choose.range": "{min} to {max}",
    "done.heading": "Cast", "done.text": "Your ballot is on the board. Tracking code:", "done.save": "Save the receipt", "done.print": "Print", "done.receipt": "The receipt",
    "done.track": "Check this ballot later",
    "challenge.ok": "Challenged ballot {code} is published: it encrypted exactly your choices. A new encryption is ready. Do not trust this device alone: check code {code} on another device (its tracking page, or plebiscite audit {code}).",
    "challenge.bad": "WARNING: the challenged ballot did not encrypt your choices. Do not vote on this device; tell an observer.",
    "booth.window": "Voting from {opens} to {closes}.",
    "booth.fingerprint": "Election fingerprint: {fingerprint} (the same as on your letter and on the observers' page).",
    "booth.closed": "Voting has ended ({closes}): no ballot can be cast any more.",
    "booth.notOpen": "Voting has not started yet: it opens {opens}.",
    "site.fingerprint": "Election fingerprint",
    "receipt.ok": "The receipt checks: the board signed a tree that holds your ballot.",
    "receipt.bad": "WARNING: the board's receipt does not check ({problem}). Save it and tell an observer.",
    "crypto.fail": "The booth could not start its cryptography: reload the page.",
    "error.unreachable": "The board cannot be reached: check your connection and try again.",
    "error.refused": "The board refused: {message}", "error.status": "The board answered {status}.",
    "error.invalidCredential": "This credential is on no list of this election: check your letter, or ask the election commission.",
    "error.revokedCredential": "This credential was revoked. Use the replacement you were given in person, or ask the commission.",
    "error.electionClosed": "Voting has closed: no ballot can be cast any more.",
    "error.outsideWindow": "Voting is not open at this time: see the dates on your letter.",
    "error.notOpenYet": "Voting has not opened yet: see the dates on your letter.",
    "error.finalBallotCast": "You already voted at a polling station; that ballot is final.",
    "error.wrongPhase": "This election is not ready for voting yet.",
    "error.unknownElection": "This board holds no such election: check the address on your letter.",
    "error.unknownBallot": "The board holds no ballot with this tracking code: check the code on your receipt.",
    "error.boothHash": "This booth's code is not the one the election's manifest pins: do not vote here; tell an observer.",
    "track.heading": "Track a ballot", "track.code": "Tracking code", "track.receipt": "Receipt (optional)", "track.check": "Check",
    "track.badCode": "A tracking code has 16 characters, as on your receipt.",
    "track.where": "Ballot {code} is on the board at entry {index}, in the tree of {size} entries the board signed.",
    "track.since": "The board still holds everything your receipt's tree of {size} entries held.",
    "track.counts": "It is your credential's latest ballot: it is the one that counts.",
    "track.superseded": "A later ballot of the same credential (entry {later}) replaced it: that one counts instead.",
    "track.spoiled": "It was challenged and published opened: it never counts.",
    "track.opened": "It contained, checked on this device against its encryption:",
    "track.openedCompare": "If these are not the choices you made in the booth, the booth is lying: vote on another device and tell an observer.",
    "track.openedBad": "WARNING: the published reveal does not match the encryption ({problem}). Do not vote on the device that made it; tell an observer.",
    "track.revoked": "Its credential was revoked (entry {later}): none of its ballots counts.",
    "track.bad": "WARNING: the board's answer does not check ({problem}). Save your receipt and tell an observer.",
  },
  uk: {
    "site.all": "Усі вибори", "site.elections": "Вибори на цій дошці", "site.vote": "голосувати",
    "site.phase": "Етап", "site.window": "Час голосування", "site.boardKey": "Ключ дошки", "site.head": "Останній підписаний корінь дерева",
    "site.headText": "{size} записів, корінь {root}, підписано {time}", "site.questions": "Питання", "site.results": "Результати",
    "site.counts": "Записи на дошці", "site.countsNote": "Лише кількості: до закриття нічого не розшифровується.",
    "channel.station": "виборча дільниця", "channel.mobile": "переносна скринька", "channel.remote": "онлайн",
    "site.precinct": "Дільниця", "site.channel": "Канал", "site.day": "День голосування", "site.ballots": "Бюлетені", "site.spoiled": "Перевірені",
    "site.credentials": "Облікові дані", "site.verification": "Перевірка", "site.howTo": "Перевірте самі:",
    "site.download": "Завантажити запис (zip)",
    "site.forensics": "Статистичний аналіз результатів дільниць: після розшифрування; або запустіть plebiscite forensics на завантаженому записі.",
    "site.forensicsLink": "Статистичний аналіз результатів дільниць (відбиток явки й частки, цілі відсотки, цифри)",
    "site.phase.setup": "підготовка", "site.phase.voting": "голосування", "site.phase.closed": "закрито, ще не підраховано",
    "site.phase.tallied": "підраховано, розшифровується", "site.phase.decrypted": "розшифровано: результати остаточні",
    "site.scope": "Область", "site.turnout": "Явка", "site.total": "Усього", "site.empty": "(порожні)", "site.chart": "голоси за регіонами, дільницями та каналами",
    "site.mergedOut": "враховано разом з іншими комірками", "site.noVotes": "На це питання голосів не подано.",
    "site.approved": "Схвалено: {option} має {share}% виборів, і всі умови виконано.",
    "site.rejected": "Не схвалено: {option} має {share}% виборів; умову правила не виконано.",
    "site.tie": "Нічия: {options} мають по {votes} голосів.", "site.majority": "Більшість: {option}, {share}% виборів.",
    "site.plurality": "Найбільше голосів: {option}, {share}% виборів (без більшості).",
    "site.alarm": "УВАГА: ця дошка переписала свою історію",
    "site.alarm.badSignature": "Корінь дерева не підписаний ключем дошки цих виборів.",
    "site.alarm.logShrank": "Журнал менший, ніж той, що цей браузер бачив раніше.",
    "site.alarm.timeWentBack": "Корінь дошки старіший за той, що цей браузер бачив раніше.",
    "site.alarm.forkedRoots": "Два корені однакового розміру мають різні значення: дошка показала два різні журнали.",
    "site.alarm.inconsistent": "Дошка не може довести, що її журнал продовжує той, що цей браузер бачив раніше.",
    "site.evidence": "Докази: обидва корені, підписані дошкою (будь-хто може перевірити їх ключем дошки). Збережіть їх і надішліть спостерігачам.",
    "site.monitorOk": "Монітор: цей корінь продовжує всі, які бачив цей браузер (збережено {count}).",
    "site.verified": "Перевірка запису сервером, перші {entries} з {size} записів дошки ({phase}): дійсний; пройдено перевірок {passed}, не пройдено {failed}.",
    "site.notVerified": "Перевірка запису сервером, перші {entries} з {size} записів дошки ({phase}): НЕДІЙСНИЙ; пройдено перевірок {passed}, не пройдено {failed}.",
    "site.verifying": "Запис перевіряється.",
    "page.vote": "Plebiscite: голосування", "page.track": "Plebiscite: перевірка бюлетеня", "page.election": "Plebiscite: вибори",
    "page.list": "Plebiscite: вибори", language: "Мова",
    "credential.label": "Облікові дані", "credential.help": "22 символи, як надруковано у вашому листі (дефіси необов'язкові).",
    "credential.count": "{n} з 22 символів.", "credential.ok": "Контрольна сума правильна.",
    "credential.invalidCharacter": "'{detail}' не є символом облікових даних.",
    "credential.wrongLength": "Облікові дані мають 22 символи, а тут {detail}.",
    "credential.checksumMismatch": "Контрольна сума не збігається: один символ введено з помилкою.",
    "credential.type": "Введіть облікові дані з листа: контрольна сума має бути правильною.", continue: "Далі",
    review: "Переглянути", "review.heading": "Ваш вибір", "review.tracking": "Код відстеження цього зашифрованого бюлетеня:",
    challenge: "Перевірити шифрування", cast: "Проголосувати", change: "Змінити", none: "(нічого)", precinct: "Дільниця: {name}",
    choose: "«{question}»: оберіть {range}.", "choose.range": "від {min} до {max}",
    "done.heading": "Голос подано", "done.text": "Ваш бюлетень на дошці. Код відстеження:", "done.save": "Зберегти квитанцію", "done.print": "Друкувати", "done.receipt": "Квитанція",
    "done.track": "Перевірити цей бюлетень пізніше",
    "challenge.ok": "Перевірений бюлетень {code} опубліковано: він шифрував саме ваш вибір. Нове шифрування готове. Не довіряйте лише цьому пристрою: перевірте код {code} на іншому (його сторінка відстеження або plebiscite audit {code}).",
    "challenge.bad": "УВАГА: перевірений бюлетень шифрував не ваш вибір. Не голосуйте на цьому пристрої; повідомте спостерігача.",
    "booth.window": "Голосування з {opens} до {closes}.",
    "booth.fingerprint": "Відбиток виборів: {fingerprint} (такий самий, як у вашому листі та на сторінці спостерігачів).",
    "booth.closed": "Голосування завершено ({closes}): бюлетені більше не приймаються.",
    "booth.notOpen": "Голосування ще не почалося: воно відкривається {opens}.",
    "site.fingerprint": "Відбиток виборів",
    "receipt.ok": "Квитанція перевірена: дошка підписала дерево, яке містить ваш бюлетень.",
    "receipt.bad": "УВАГА: квитанція дошки не проходить перевірку ({problem}). Збережіть її та повідомте спостерігача.",
    "crypto.fail": "Кабіна не змогла запустити криптографію: перезавантажте сторінку.",
    "error.unreachable": "Дошка недоступна: перевірте з'єднання та спробуйте ще раз.",
    "error.refused": "Дошка відмовила: {message}", "error.status": "Дошка відповіла {status}.",
    "error.invalidCredential": "Цих облікових даних немає в жодному списку цих виборів: перевірте лист або зверніться до комісії.",
    "error.revokedCredential": "Ці облікові дані відкликано. Використайте нові, видані вам особисто, або зверніться до комісії.",
    "error.electionClosed": "Голосування завершено: бюлетені більше не приймаються.",
    "error.outsideWindow": "Зараз голосування не відкрите: дати вказано у вашому листі.",
    "error.notOpenYet": "Голосування ще не розпочалося: дати вказано у вашому листі.",
    "error.finalBallotCast": "Ви вже проголосували на дільниці; той бюлетень остаточний.",
    "error.wrongPhase": "Ці вибори ще не готові до голосування.",
    "error.unknownElection": "На цій дошці немає таких виборів: перевірте адресу у вашому листі.",
    "error.unknownBallot": "На дошці немає бюлетеня з таким кодом відстеження: перевірте код у квитанції.",
    "error.boothHash": "Код цієї кабіни не той, що закріплений у маніфесті виборів: не голосуйте тут; повідомте спостерігача.",
    "track.heading": "Перевірка бюлетеня", "track.code": "Код відстеження", "track.receipt": "Квитанція (необов'язково)", "track.check": "Перевірити",
    "track.badCode": "Код відстеження має 16 символів, як у вашій квитанції.",
    "track.where": "Бюлетень {code} є на дошці під номером {index}, у дереві з {size} записів, підписаному дошкою.",
    "track.since": "Дошка досі містить усе, що містило дерево з {size} записів у вашій квитанції.",
    "track.counts": "Це останній бюлетень ваших облікових даних: саме він враховується.",
    "track.superseded": "Пізніший бюлетень тих самих облікових даних (запис {later}) замінив його: враховується той.",
    "track.spoiled": "Його перевірили й опублікували розкритим: він ніколи не враховується.",
    "track.opened": "Він містив (перевірено на цьому пристрої за його шифруванням):",
    "track.openedCompare": "Якщо це не той вибір, який ви зробили в кабіні, кабіна обманює: голосуйте на іншому пристрої й повідомте спостерігача.",
    "track.openedBad": "УВАГА: опубліковане розкриття не відповідає шифруванню ({problem}). Не голосуйте на пристрої, що його створив; повідомте спостерігача.",
    "track.revoked": "Його облікові дані відкликано (запис {later}): жоден їхній бюлетень не враховується.",
    "track.bad": "УВАГА: відповідь дошки не проходить перевірку ({problem}). Збережіть квитанцію та повідомте спостерігача.",
  },
  ru: {
    "site.all": "Все выборы", "site.elections": "Выборы на этой доске", "site.vote": "голосовать",
    "site.phase": "Этап", "site.window": "Время голосования", "site.boardKey": "Ключ доски", "site.head": "Последний подписанный корень дерева",
    "site.headText": "{size} записей, корень {root}, подписан {time}", "site.questions": "Вопросы", "site.results": "Результаты",
    "site.counts": "Записи на доске", "site.countsNote": "Только количества: до закрытия ничего не расшифровывается.",
    "channel.station": "избирательный участок", "channel.mobile": "переносной ящик", "channel.remote": "онлайн",
    "site.precinct": "Участок", "site.channel": "Канал", "site.day": "День голосования", "site.ballots": "Бюллетени", "site.spoiled": "Проверенные",
    "site.credentials": "Учётные данные", "site.verification": "Проверка", "site.howTo": "Проверьте сами:",
    "site.download": "Скачать запись (zip)",
    "site.forensics": "Статистический анализ результатов участков: после расшифровки; или запустите plebiscite forensics на скачанной записи.",
    "site.forensicsLink": "Статистический анализ результатов участков (отпечаток явки и доли, целые проценты, цифры)",
    "site.phase.setup": "подготовка", "site.phase.voting": "голосование", "site.phase.closed": "закрыто, ещё не подсчитано",
    "site.phase.tallied": "подсчитано, расшифровывается", "site.phase.decrypted": "расшифровано: результаты окончательные",
    "site.scope": "Область", "site.turnout": "Явка", "site.total": "Всего", "site.empty": "(пустые)", "site.chart": "голоса по регионам, участкам и каналам",
    "site.mergedOut": "учтено вместе с другими ячейками", "site.noVotes": "По этому вопросу голосов не подано.",
    "site.approved": "Одобрено: у {option} {share}% выборов, и все условия выполнены.",
    "site.rejected": "Не одобрено: у {option} {share}% выборов; условие правила не выполнено.",
    "site.tie": "Ничья: у {options} по {votes} голосов.", "site.majority": "Большинство: {option}, {share}% выборов.",
    "site.plurality": "Больше всего голосов: {option}, {share}% выборов (без большинства).",
    "site.alarm": "ВНИМАНИЕ: эта доска переписала свою историю",
    "site.alarm.badSignature": "Корень дерева не подписан ключом доски этих выборов.",
    "site.alarm.logShrank": "Журнал меньше, чем тот, что этот браузер видел раньше.",
    "site.alarm.timeWentBack": "Корень доски старше того, что этот браузер видел раньше.",
    "site.alarm.forkedRoots": "Два корня одного размера различаются: доска показала два разных журнала.",
    "site.alarm.inconsistent": "Доска не может доказать, что её журнал продолжает тот, что этот браузер видел раньше.",
    "site.evidence": "Доказательства: оба корня, подписанные доской (любой может проверить их ключом доски). Сохраните их и отправьте наблюдателям.",
    "site.monitorOk": "Монитор: этот корень продолжает все, что видел этот браузер (сохранено {count}).",
    "site.verified": "Проверка записи сервером, первые {entries} из {size} записей доски ({phase}): действительна; пройдено проверок {passed}, не пройдено {failed}.",
    "site.notVerified": "Проверка записи сервером, первые {entries} из {size} записей доски ({phase}): НЕДЕЙСТВИТЕЛЬНА; пройдено проверок {passed}, не пройдено {failed}.",
    "site.verifying": "Запись проверяется.",
    "page.vote": "Plebiscite: голосование", "page.track": "Plebiscite: проверка бюллетеня", "page.election": "Plebiscite: выборы",
    "page.list": "Plebiscite: выборы", language: "Язык",
    "credential.label": "Учётные данные", "credential.help": "22 символа, как напечатано в вашем письме (дефисы необязательны).",
    "credential.count": "{n} из 22 символов.", "credential.ok": "Контрольная сумма верна.",
    "credential.invalidCharacter": "'{detail}' не является символом учётных данных.",
    "credential.wrongLength": "Учётные данные содержат 22 символа, а здесь {detail}.",
    "credential.checksumMismatch": "Контрольная сумма не совпадает: один символ введён с ошибкой.",
    "credential.type": "Введите учётные данные из письма: контрольная сумма должна быть верной.", continue: "Далее",
    review: "Просмотреть", "review.heading": "Ваш выбор", "review.tracking": "Код отслеживания этого зашифрованного бюллетеня:",
    challenge: "Проверить шифрование", cast: "Проголосовать", change: "Изменить", none: "(ничего)", precinct: "Участок: {name}",
    choose: "«{question}»: выберите {range}.", "choose.range": "от {min} до {max}",
    "done.heading": "Голос подан", "done.text": "Ваш бюллетень на доске. Код отслеживания:", "done.save": "Сохранить квитанцию", "done.print": "Печать", "done.receipt": "Квитанция",
    "done.track": "Проверить этот бюллетень позже",
    "challenge.ok": "Проверенный бюллетень {code} опубликован: он шифровал именно ваш выбор. Новое шифрование готово. Не доверяйте только этому устройству: проверьте код {code} на другом (его страница отслеживания или plebiscite audit {code}).",
    "challenge.bad": "ВНИМАНИЕ: проверенный бюллетень шифровал не ваш выбор. Не голосуйте на этом устройстве; сообщите наблюдателю.",
    "booth.window": "Голосование с {opens} до {closes}.",
    "booth.fingerprint": "Отпечаток выборов: {fingerprint} (такой же, как в вашем письме и на странице наблюдателей).",
    "booth.closed": "Голосование завершено ({closes}): бюллетени больше не принимаются.",
    "booth.notOpen": "Голосование ещё не началось: оно открывается {opens}.",
    "site.fingerprint": "Отпечаток выборов",
    "receipt.ok": "Квитанция проверена: доска подписала дерево, содержащее ваш бюллетень.",
    "receipt.bad": "ВНИМАНИЕ: квитанция доски не проходит проверку ({problem}). Сохраните её и сообщите наблюдателю.",
    "crypto.fail": "Кабина не смогла запустить криптографию: перезагрузите страницу.",
    "error.unreachable": "Доска недоступна: проверьте соединение и попробуйте ещё раз.",
    "error.refused": "Доска отказала: {message}", "error.status": "Доска ответила {status}.",
    "error.invalidCredential": "Этих учётных данных нет ни в одном списке этих выборов: проверьте письмо или обратитесь в комиссию.",
    "error.revokedCredential": "Эти учётные данные отозваны. Используйте новые, выданные вам лично, или обратитесь в комиссию.",
    "error.electionClosed": "Голосование завершено: бюллетени больше не принимаются.",
    "error.outsideWindow": "Сейчас голосование не открыто: даты указаны в вашем письме.",
    "error.notOpenYet": "Голосование ещё не началось: даты указаны в вашем письме.",
    "error.finalBallotCast": "Вы уже проголосовали на участке; тот бюллетень окончательный.",
    "error.wrongPhase": "Эти выборы ещё не готовы к голосованию.",
    "error.unknownElection": "На этой доске нет таких выборов: проверьте адрес в вашем письме.",
    "error.unknownBallot": "На доске нет бюллетеня с таким кодом отслеживания: проверьте код в квитанции.",
    "error.boothHash": "Код этой кабины не тот, что закреплён в манифесте выборов: не голосуйте здесь; сообщите наблюдателю.",
    "track.heading": "Проверка бюллетеня", "track.code": "Код отслеживания", "track.receipt": "Квитанция (необязательно)", "track.check": "Проверить",
    "track.badCode": "Код отслеживания содержит 16 символов, как в вашей квитанции.",
    "track.where": "Бюллетень {code} есть на доске под номером {index}, в дереве из {size} записей, подписанном доской.",
    "track.since": "Доска по-прежнему содержит всё, что содержало дерево из {size} записей в вашей квитанции.",
    "track.counts": "Это последний бюллетень ваших учётных данных: именно он учитывается.",
    "track.superseded": "Более поздний бюллетень тех же учётных данных (запись {later}) заменил его: учитывается тот.",
    "track.spoiled": "Его проверили и опубликовали раскрытым: он никогда не учитывается.",
    "track.opened": "Он содержал (проверено на этом устройстве по его шифрованию):",
    "track.openedCompare": "Если это не тот выбор, который вы сделали в кабине, кабина обманывает: голосуйте на другом устройстве и сообщите наблюдателю.",
    "track.openedBad": "ВНИМАНИЕ: опубликованное раскрытие не соответствует шифрованию ({problem}). Не голосуйте на устройстве, которое его создало; сообщите наблюдателю.",
    "track.revoked": "Его учётные данные отозваны (запись {later}): ни один их бюллетень не учитывается.",
    "track.bad": "ВНИМАНИЕ: ответ доски не проходит проверку ({problem}). Сохраните квитанцию и сообщите наблюдателю.",
  },
};

/** The language in use: ?lang=, else the first of the browser's preferred languages we have, else English. */
export function pickLanguage(search = globalThis.location?.search ?? "", preferred = globalThis.navigator?.languages ?? []) {
  const asked = new URLSearchParams(search).get("lang");
  if (asked && TEXTS[asked]) return asked;
  for (const tag of preferred) {
    const primary = String(tag).toLowerCase().split("-")[0];
    if (TEXTS[primary]) return primary;
  }
  return "en";
}

let current = pickLanguage();

/** A text in the current language with {name} replaced from `vars`; English when a key is missing. */
export function t(key, vars = {}) {
  const text = TEXTS[current][key] ?? TEXTS.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(vars[name] ?? `{${name}}`));
}

/** "Question: answer", without a colon after a question that ends in its own punctuation ("Approve? yes"). */
export function labelled(label, value) { return /[?!:.…]$/.test(label) ? `${label} ${value}` : `${label}: ${value}`; }

/** Whether there is a text for `key` (in English, hence in every language). */
export function hasText(key) { return key in TEXTS.en; }

/** A manifest text: a plain string, or a map from language to text (PROTOCOL.md 2). */
export function localized(text) {
  if (typeof text === "string") return text;
  if (text && typeof text === "object") return text[current] ?? text.en ?? Object.values(text)[0] ?? "";
  return "";
}

/** Puts the current language's texts into every marked element under `root`. */
export function applyTexts(root = document) {
  document.documentElement.lang = current;
  for (const el of root.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll("[data-i18n-label]")) el.setAttribute("aria-label", t(el.dataset.i18nLabel));
  const title = document.querySelector("title[data-i18n]");
  if (title) document.title = t(title.dataset.i18n);
}

/**
 * Fills the language switch (a labelled select) and applies the texts; a change re-renders at
 * once (no reload: a voter's typed credential stays) and calls `onChange` for the page's own texts.
 */
export function languageSwitch(select, onChange = () => {}) {
  select.replaceChildren(...Object.entries(LANGUAGES).map(([code, name]) => {
    const o = document.createElement("option");
    o.value = code; o.textContent = name; o.lang = code; o.selected = code === current;
    return o;
  }));
  select.addEventListener("change", () => {
    current = select.value;
    const url = new URL(location.href);
    url.searchParams.set("lang", current);
    history.replaceState(null, "", url.pathname + url.search);
    applyTexts();
    onChange();
  });
  applyTexts();
}

/** Every key of every language, for the tests: each language has every English key. */
export const allTexts = TEXTS;
