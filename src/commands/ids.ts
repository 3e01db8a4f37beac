/** Every command id, user-facing first; package.json `contributes.commands` must list the same public ids. */
export const enum CommandId {
  ReadSelection = 'pocketReader.readSelection',
  ReadDocument = 'pocketReader.readDocument',
  ReadFromCursor = 'pocketReader.readFromCursor',
  ReadComments = 'pocketReader.readComments',
  Stop = 'pocketReader.stop',
  TogglePause = 'pocketReader.togglePause',
  NextSentence = 'pocketReader.nextSentence',
  PreviousSentence = 'pocketReader.previousSentence',
  SaveAudio = 'pocketReader.saveAudio',
  ChooseVoice = 'pocketReader.chooseVoice',
  CreateVoice = 'pocketReader.createVoice',
  ManageVoices = 'pocketReader.manageVoices',
  SetSpeed = 'pocketReader.setSpeed',
  DownloadModel = 'pocketReader.downloadModel',
  UseLocalModel = 'pocketReader.useLocalModel',
  ShowLog = 'pocketReader.showLog',
  // Internal: registered only outside production mode, never contributed.
  TestState = 'pocketReader._testState',
  TestEngine = 'pocketReader._testEngine',
  TestShutdown = 'pocketReader._testShutdown',
  TestCreateVoice = 'pocketReader._testCreateVoice',
}
