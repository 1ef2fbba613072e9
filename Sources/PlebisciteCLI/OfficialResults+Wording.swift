import ElectionRecord
import Forensics
import Foundation

/// The words of the official results in each document language: headings, outcomes, footnotes.
extension DocumentLanguage {
    func resultsSubtitle(_ electionId: String) -> String {
        switch self {
        case .en: "Official results of election \(electionId)"
        case .uk: "Офіційні результати голосування \(electionId)"
        case .ru: "Официальные результаты голосования \(electionId)"
        }
    }

    var officialResults: String {
        switch self {
        case .en: "official results"
        case .uk: "офіційні результати"
        case .ru: "официальные результаты"
        }
    }

    /// Column headings: scope, voters, ballots, turnout, empty answers.
    var columns: (scope: String, voters: String, ballots: String, turnout: String, empty: String) {
        switch self {
        case .en: ("Scope", "Voters", "Ballots", "Turnout", "Empty")
        case .uk: ("Територія, канал", "Виборців", "Бюлетенів", "Явка", "Порожні")
        case .ru: ("Территория, канал", "Избирателей", "Бюллетеней", "Явка", "Пустые")
        }
    }

    var total: String {
        switch self {
        case .en: "Total"
        case .uk: "Усього"
        case .ru: "Всего"
        }
    }

    var channelLabel: String {
        switch self {
        case .en: "Channel"
        case .uk: "Канал"
        case .ru: "Канал"
        }
    }

    var dayLabel: String {
        switch self {
        case .en: "Day"
        case .uk: "День"
        case .ru: "День"
        }
    }

    var countedWithOthers: String {
        switch self {
        case .en: "counted with other cells"
        case .uk: "підраховано разом з іншими комірками"
        case .ru: "подсчитано вместе с другими ячейками"
        }
    }

    // MARK: - Outcomes

    var noVotes: String {
        switch self {
        case .en: "No votes were cast on this question."
        case .uk: "Голосів із цього питання не подано."
        case .ru: "Голосов по этому вопросу не подано."
        }
    }

    func approved(_ option: String, share: String) -> String {
        switch self {
        case .en: "Approved: \(option) has \(share) of the selections and every condition is met."
        case .uk: "Схвалено: \(quoted(option)) має \(share) відміток, і всі умови виконано."
        case .ru: "Одобрено: \(quoted(option)) получает \(share) отметок, и все условия выполнены."
        }
    }

    func notApproved(_ unmet: [String]) -> String {
        switch self {
        case .en: "Not approved: " + unmet.joined(separator: "; ") + "."
        case .uk: "Не схвалено: " + unmet.joined(separator: "; ") + "."
        case .ru: "Не одобрено: " + unmet.joined(separator: "; ") + "."
        }
    }

    func shareUnmet(_ option: String, share: String, needed: String) -> String {
        switch self {
        case .en: "\(option) has \(share) of the selections, \(needed) needed"
        case .uk: "\(quoted(option)) має \(share) відміток, потрібно \(needed)"
        case .ru: "\(quoted(option)) получает \(share) отметок, нужно \(needed)"
        }
    }

    func turnoutUnmet(_ turnout: String, needed: String) -> String {
        switch self {
        case .en: "turnout is \(turnout), \(needed) needed"
        case .uk: "явка \(turnout), потрібно \(needed)"
        case .ru: "явка \(turnout), нужно \(needed)"
        }
    }

    func electorateUnmet(_ option: String, share: String, needed: String) -> String {
        switch self {
        case .en: "\(option) has \(share) of all voters, \(needed) needed"
        case .uk: "\(quoted(option)) має \(share) від усіх виборців, потрібно \(needed)"
        case .ru: "\(quoted(option)) получает \(share) от всех избирателей, нужно \(needed)"
        }
    }

    func tie(_ leaders: [String], votes: Int) -> String {
        let q = leaders.map(quoted)
        switch self {
        case .en: return "Tie: \(leaders.joined(separator: " and ")) have \(votes) votes each."
        case .uk: return "Нічия: \(q.joined(separator: " і ")) мають по \(votes) голосів."
        case .ru: return "Ничья: у \(q.joined(separator: " и ")) по \(votes) голосов."
        }
    }

    func majority(_ option: String, share: String) -> String {
        switch self {
        case .en: "Majority: \(option), with \(share) of the selections."
        case .uk: "Більшість: \(quoted(option)), \(share) відміток."
        case .ru: "Большинство: \(quoted(option)), \(share) отметок."
        }
    }

    func plurality(_ option: String, share: String) -> String {
        switch self {
        case .en: "Most votes: \(option), with \(share) of the selections (no majority)."
        case .uk: "Найбільше голосів: \(quoted(option)), \(share) відміток (без більшості)."
        case .ru: "Больше всего голосов: \(quoted(option)), \(share) отметок (без большинства)."
        }
    }

    // MARK: - Footnotes

    func verdictLine(_ v: OfficialResults.Verdict) -> String {
        switch self {
        case .en:
            "Verifier: \(v.valid ? "VALID" : "INVALID"), \(v.checksPassed) checks passed, \(v.checksFailed) failed; \(v.entries) entries, \(v.ballots) ballots, \(v.countedBallots) counted."
        case .uk:
            "Перевірка: \(v.valid ? "ДІЙСНИЙ" : "НЕДІЙСНИЙ"), пройдено перевірок: \(v.checksPassed), не пройдено: \(v.checksFailed); записів: \(v.entries), бюлетенів: \(v.ballots), враховано: \(v.countedBallots)."
        case .ru:
            "Проверка: \(v.valid ? "ДЕЙСТВИТЕЛЕН" : "НЕДЕЙСТВИТЕЛЕН"), пройдено проверок: \(v.checksPassed), не пройдено: \(v.checksFailed); записей: \(v.entries), бюллетеней: \(v.ballots), учтено: \(v.countedBallots)."
        }
    }

    func treeHeadLine(size: Int, root: String, time: String, timestamp: Int64, signature: String) -> String {
        switch self {
        case .en:
            "Final signed tree head: size \(size), root \(root), signed for \(time) (timestamp \(timestamp) ms), signature \(signature)."
        case .uk:
            "Останній підписаний заголовок дерева: розмір \(size), корінь \(root), підписано на \(time) (мітка часу \(timestamp) мс), підпис \(signature)."
        case .ru:
            "Последний подписанный заголовок дерева: размер \(size), корень \(root), подписан на \(time) (метка времени \(timestamp) мс), подпись \(signature)."
        }
    }

    /// The counting rule, named in words with its manifest name.
    func countingRule(_ rule: String) -> String {
        let words: String
        switch (self, rule) {
        case (.en, CountingRule.Kind.stationFinal.rawValue):
            words = "the last ballot counts, and a ballot cast at a polling station is final"
        case (.en, _): words = "the last ballot counts"
        case (.uk, CountingRule.Kind.stationFinal.rawValue):
            words = "враховується останній бюлетень, а бюлетень, поданий на виборчій дільниці, остаточний"
        case (.uk, _): words = "враховується останній бюлетень"
        case (.ru, CountingRule.Kind.stationFinal.rawValue):
            words = "учитывается последний бюллетень, а бюллетень, поданный на избирательном участке, окончательный"
        case (.ru, _): words = "учитывается последний бюллетень"
        }
        return "\(words) (\(rule))"
    }

    func cellLine(rule: String, minimumCell: Int) -> String {
        switch (self, minimumCell > 1) {
        case (.en, true):
            "Counting rule: \(countingRule(rule)); no decrypted aggregate covers fewer than \(minimumCell) ballots unless it is a whole region."
        case (.en, false): "Counting rule: \(countingRule(rule)); every cell is decrypted on its own (no minimum cell size)."
        case (.uk, true):
            "Правило підрахунку: \(countingRule(rule)); жоден розшифрований підсумок не охоплює менше ніж \(minimumCell) бюлетенів, якщо це не весь регіон."
        case (.uk, false): "Правило підрахунку: \(countingRule(rule)); кожну комірку розшифровано окремо (без мінімального розміру)."
        case (.ru, true):
            "Правило подсчёта: \(countingRule(rule)); ни один расшифрованный итог не охватывает меньше \(minimumCell) бюллетеней, если это не весь регион."
        case (.ru, false): "Правило подсчёта: \(countingRule(rule)); каждая ячейка расшифрована отдельно (без минимального размера)."
        }
    }

    func mergedLine(_ cells: [String]) -> String {
        switch self {
        case .en: "Merged cells (counted together): \(cells.joined(separator: ", "))."
        case .uk: "Об'єднані комірки (підраховані разом): \(cells.joined(separator: ", "))."
        case .ru: "Объединённые ячейки (подсчитаны вместе): \(cells.joined(separator: ", "))."
        }
    }

    var mergedNote: String {
        switch self {
        case .en: "A scope marked * has ballots in merged aggregates reaching beyond it: in its ballots and turnout, not in its counts."
        case .uk:
            "Рядок, позначений *, має бюлетені в об'єднаних підсумках, що виходять за його межі: вони є в його бюлетенях і явці, але не в його підрахунку."
        case .ru:
            "Строка, отмеченная *, имеет бюллетени в объединённых итогах, выходящих за её пределы: они входят в её бюллетени и явку, но не в её подсчёт."
        }
    }
}
