import ElectionRecord
import Forensics
import Foundation

/// The words of the official results in each document language: headings, outcomes, footnotes.
extension DocumentLanguage {
    func resultsSubtitle(_ electionId: String) -> String {
        pick(
            "Official results of election \(electionId)",
            "Офіційні результати голосування \(electionId)",
            "Официальные результаты голосования \(electionId)")
    }

    var officialResults: String {
        pick(
            "official results",
            "офіційні результати",
            "официальные результаты")
    }

    /// Column headings: scope, voters, ballots, turnout, empty answers.
    var columns: (scope: String, voters: String, ballots: String, turnout: String, empty: String) {
        pick(
            ("Scope", "Voters", "Ballots", "Turnout", "Empty"),
            ("Територія, канал", "Виборців", "Бюлетенів", "Явка", "Порожні"),
            ("Территория, канал", "Избирателей", "Бюллетеней", "Явка", "Пустые"))
    }

    var total: String {
        pick(
            "Total",
            "Усього",
            "Всего")
    }

    var channelLabel: String {
        pick(
            "Channel",
            "Канал",
            "Канал")
    }

    var dayLabel: String {
        pick(
            "Day",
            "День",
            "День")
    }

    var countedWithOthers: String {
        pick(
            "counted with other cells",
            "підраховано разом з іншими комірками",
            "подсчитано вместе с другими ячейками")
    }

    // MARK: - Outcomes

    var noVotes: String {
        pick(
            "No votes were cast on this question.",
            "Голосів із цього питання не подано.",
            "Голосов по этому вопросу не подано.")
    }

    func approved(_ option: String, share: String) -> String {
        pick(
            "Approved: \(option) has \(share) of the selections and every condition is met.",
            "Схвалено: \(quoted(option)) має \(share) відміток, і всі умови виконано.",
            "Одобрено: \(quoted(option)) получает \(share) отметок, и все условия выполнены.")
    }

    func notApproved(_ unmet: [String]) -> String {
        pick(
            "Not approved: " + unmet.joined(separator: "; ") + ".",
            "Не схвалено: " + unmet.joined(separator: "; ") + ".",
            "Не одобрено: " + unmet.joined(separator: "; ") + ".")
    }

    func shareUnmet(_ option: String, share: String, needed: String) -> String {
        pick(
            "\(option) has \(share) of the selections, \(needed) needed",
            "\(quoted(option)) має \(share) відміток, потрібно \(needed)",
            "\(quoted(option)) получает \(share) отметок, нужно \(needed)")
    }

    func turnoutUnmet(_ turnout: String, needed: String) -> String {
        pick(
            "turnout is \(turnout), \(needed) needed",
            "явка \(turnout), потрібно \(needed)",
            "явка \(turnout), нужно \(needed)")
    }

    func electorateUnmet(_ option: String, share: String, needed: String) -> String {
        pick(
            "\(option) has \(share) of all voters, \(needed) needed",
            "\(quoted(option)) має \(share) від усіх виборців, потрібно \(needed)",
            "\(quoted(option)) получает \(share) от всех избирателей, нужно \(needed)")
    }

    func tie(_ leaders: [String], votes: Int) -> String {
        let q = leaders.map(quoted)
        return pick(
            "Tie: \(leaders.joined(separator: " and ")) have \(votes) votes each.",
            "Нічия: \(q.joined(separator: " і ")) мають по \(votes) голосів.",
            "Ничья: у \(q.joined(separator: " и ")) по \(votes) голосов.")
    }

    func majority(_ option: String, share: String) -> String {
        pick(
            "Majority: \(option), with \(share) of the selections.",
            "Більшість: \(quoted(option)), \(share) відміток.",
            "Большинство: \(quoted(option)), \(share) отметок.")
    }

    func plurality(_ option: String, share: String) -> String {
        pick(
            "Most votes: \(option), with \(share) of the selections (no majority).",
            "Найбільше голосів: \(quoted(option)), \(share) відміток (без більшості).",
            "Больше всего голосов: \(quoted(option)), \(share) отметок (без большинства).")
    }

    // MARK: - Footnotes

    func verdictLine(_ v: OfficialResults.Verdict) -> String {
        pick(
            "Verifier: \(v.valid ? "VALID" : "INVALID"), \(v.checksPassed) checks passed, \(v.checksFailed) failed; \(v.entries) entries, \(v.ballots) ballots, \(v.countedBallots) counted.",
            "Перевірка: \(v.valid ? "ДІЙСНИЙ" : "НЕДІЙСНИЙ"), пройдено перевірок: \(v.checksPassed), не пройдено: \(v.checksFailed); записів: \(v.entries), бюлетенів: \(v.ballots), враховано: \(v.countedBallots).",
            "Проверка: \(v.valid ? "ДЕЙСТВИТЕЛЕН" : "НЕДЕЙСТВИТЕЛЕН"), пройдено проверок: \(v.checksPassed), не пройдено: \(v.checksFailed); записей: \(v.entries), бюллетеней: \(v.ballots), учтено: \(v.countedBallots)."
        )
    }

    func treeHeadLine(size: Int, root: String, time: String, timestamp: Int64, signature: String) -> String {
        pick(
            "Final signed tree head: size \(size), root \(root), signed for \(time) (timestamp \(timestamp) ms), signature \(signature).",
            "Останній підписаний заголовок дерева: розмір \(size), корінь \(root), підписано на \(time) (мітка часу \(timestamp) мс), підпис \(signature).",
            "Последний подписанный заголовок дерева: размер \(size), корень \(root), подписан на \(time) (метка времени \(timestamp) мс), подпись \(signature)."
        )
    }

    /// The counting rule, named in words with its manifest name.
    func countingRule(_ rule: String) -> String {
        let words =
            rule == CountingRule.Kind.stationFinal.rawValue
            ? pick(
                "the last ballot counts, and a ballot cast at a polling station is final",
                "враховується останній бюлетень, а бюлетень, поданий на виборчій дільниці, остаточний",
                "учитывается последний бюллетень, а бюллетень, поданный на избирательном участке, окончательный")
            : pick("the last ballot counts", "враховується останній бюлетень", "учитывается последний бюллетень")
        return "\(words) (\(rule))"
    }

    func cellLine(rule: String, minimumCell: Int) -> String {
        let r = countingRule(rule)
        return minimumCell > 1
            ? pick(
                "Counting rule: \(r); no decrypted aggregate covers fewer than \(minimumCell) ballots unless it is a whole region.",
                "Правило підрахунку: \(r); жоден розшифрований підсумок не охоплює менше ніж \(minimumCell) бюлетенів, якщо це не весь регіон.",
                "Правило подсчёта: \(r); ни один расшифрованный итог не охватывает меньше \(minimumCell) бюллетеней, если это не весь регион."
            )
            : pick(
                "Counting rule: \(r); every cell is decrypted on its own (no minimum cell size).",
                "Правило підрахунку: \(r); кожну комірку розшифровано окремо (без мінімального розміру).",
                "Правило подсчёта: \(r); каждая ячейка расшифрована отдельно (без минимального размера).")
    }

    func mergedLine(_ cells: [String]) -> String {
        pick(
            "Merged cells (counted together): \(cells.joined(separator: ", ")).",
            "Об'єднані комірки (підраховані разом): \(cells.joined(separator: ", ")).",
            "Объединённые ячейки (подсчитаны вместе): \(cells.joined(separator: ", ")).")
    }

    var mergedNote: String {
        pick(
            "A scope marked * has ballots in merged aggregates reaching beyond it: in its ballots and turnout, not in its counts.",
            "Рядок, позначений *, має бюлетені в об'єднаних підсумках, що виходять за його межі: вони є в його бюлетенях і явці, але не в його підрахунку.",
            "Строка, отмеченная *, имеет бюллетени в объединённых итогах, выходящих за её пределы: они входят в её бюллетени и явку, но не в её подсчёт."
        )
    }
}
